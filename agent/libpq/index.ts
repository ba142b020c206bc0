// libpq for node-postgres: connect strings (keyword=value and URIs, host lists), the PG*
// variables, the service and password files, sslmode, target_session_attrs, and failures in
// libpq's words. The one entry point of this folder.
export { ConninfoError } from './conninfo';
export { parseConninfo } from './parse';
export { redactConninfo } from './redact';
export type { ConnParams } from './conninfo';
export { connectionPlan, DEFAULT_SOCKET_DIR, TARGET_SESSION_ATTRS } from './plan';
export type { ConnectionPlan, PlannedHost, PlanOptions, TargetSessionAttrs, Warn } from './plan';
export { connect, connectFirst } from './connect';
export { HostPool } from './host-pool';
export type { Chosen, Opened } from './connect';
export { ConnectionFailure, SessionRejected } from './messages';
