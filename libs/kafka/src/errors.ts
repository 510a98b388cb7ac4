// The classification lives in @satupintu/faults (one place for the consumers and the HTTP API);
// re-exported here because the consumer's retry rules are part of this library's contract.
export { classifyError, describeError, isTransientError, type FailureClass } from '@satupintu/faults';
