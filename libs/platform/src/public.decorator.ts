import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'access:public';

/** The route is open to anyone (health, API description, static pages): no credentials are asked. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
