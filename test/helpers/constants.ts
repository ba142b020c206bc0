export const CLUSTER_ENV = 'PGAGENT_TEST_CLUSTER';
export const CLUSTER_PREFIX = 'pgagent-test-';
/** A database with the default extension version installed; tests copy it. */
export const TEMPLATE_DB = 'pgagent_template';
