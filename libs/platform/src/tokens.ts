export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REDIS = Symbol('REDIS');
export const SERVICE = Symbol('SERVICE');
export const METRICS = Symbol('METRICS');
