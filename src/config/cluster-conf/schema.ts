/**
 * Which elements may appear where in cluster.conf, and which attributes the
 * structural elements take: our restatement of the static part of RHCS 3.1's
 * RelaxNG schema (config/tools/xml/cluster.rng.in.head/.tail). The schema's
 * generated part (fence-agent and resource-agent parameters, from each agent's
 * metadata) is open here: `<fencedevice>`, `<device>` and resource agents accept any
 * attribute, since their parameters depend on the agent installed.
 */

/** Children each element may have. `*` marks an element whose children are resource agents. */
export const CHILDREN: Readonly<Record<string, readonly string[]>> = {
  cluster: ['cman', 'totem', 'quorumd', 'fence_daemon', 'fence_xvmd', 'clusternodes', 'fencedevices', 'rm', 'dlm', 'gfs_controld', 'group', 'logging', 'uidgid'],
  cman: ['multicast', 'altmulticast'],
  totem: ['interface'],
  quorumd: ['heuristic'],
  logging: ['logging_daemon'],
  dlm: ['lockspace'],
  lockspace: ['master'],
  clusternodes: ['clusternode'],
  clusternode: ['fence', 'unfence', 'altname'],
  fence: ['method'],
  method: ['device'],
  unfence: ['device'],
  fencedevices: ['fencedevice'],
  rm: ['failoverdomains', 'resources', 'service', 'vm', 'events'],
  failoverdomains: ['failoverdomain'],
  failoverdomain: ['failoverdomainnode'],
  events: ['event'],
};

/** Resource agents rgmanager ships (rgmanager/src/resources), allowed under `<resources>` and `<service>`. */
export const RESOURCE_AGENTS: ReadonlySet<string> = new Set([
  'ip', 'fs', 'clusterfs', 'netfs', 'nfsexport', 'nfsserver', 'nfsclient', 'script', 'lvm', 'vm', 'service',
  'apache', 'mysql', 'postgres-8', 'tomcat-5', 'tomcat-6', 'samba', 'openldap', 'named', 'oracledb', 'orainstance',
  'oralistener', 'SAPDatabase', 'SAPInstance', 'ASEHAagent', 'drbd', 'bind-mount', 'lvm_by_lv', 'lvm_by_vg', 'action',
]);

/** Attributes of the structural elements (agent-specific ones are open). */
export const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  cluster: ['name', 'config_version', 'alias'],
  cman: ['two_node', 'expected_votes', 'cluster_id', 'port', 'transport', 'broadcast', 'upgrading', 'quorum_dev_poll',
    'shutdown_timeout', 'ccsd_poll', 'debug_mask', 'keyfile', 'disallowed', 'hash_cluster_id', 'nodename', 'cluster_name'],
  multicast: ['addr', 'ttl'],
  altmulticast: ['addr', 'port', 'ttl'],
  totem: ['token', 'consensus', 'join', 'token_retransmits_before_loss_const', 'fail_recv_const', 'secauth', 'rrp_mode',
    'netmtu', 'window_size', 'max_messages', 'miss_count_const', 'seqno_unchanged_const', 'send_join', 'keyfile',
    'token_retransmit', 'hold', 'merge', 'downcheck', 'rrp_problem_count_timeout', 'rrp_problem_count_threshold',
    'rrp_token_expired_timeout', 'vsftype', 'threads', 'clear_node_high_bit', 'crypto_accept'],
  interface: ['ringnumber', 'bindnetaddr', 'mcastaddr', 'mcastport', 'ttl', 'broadcast'],
  quorumd: ['interval', 'tko', 'votes', 'min_score', 'device', 'label', 'status_file', 'scheduler', 'priority', 'stop_cman',
    'paranoid', 'allow_kill', 'reboot', 'master_wins', 'io_timeout', 'cman_label', 'tko_up', 'upgrade_wait', 'master_wait',
    'use_uptime', 'max_error_cycles', 'log_level', 'log_facility'],
  heuristic: ['program', 'score', 'interval', 'tko'],
  fence_daemon: ['post_join_delay', 'post_fail_delay', 'clean_start', 'override_time', 'override_path', 'skip_undefined',
    'disable_startup_fencing'],
  fence_xvmd: ['debug', 'port', 'use_uuid', 'multicast_address', 'auth', 'hash', 'family', 'key_file'],
  clusternodes: [],
  clusternode: ['name', 'nodeid', 'votes', 'weight'],
  altname: ['name', 'port', 'mcast'],
  fence: [],
  method: ['name'],
  unfence: [],
  fencedevices: [],
  rm: ['log_level', 'log_facility', 'central_processing', 'status_poll_interval', 'status_child_max', 'transition_throttling'],
  failoverdomains: [],
  failoverdomain: ['name', 'ordered', 'restricted', 'nofailback'],
  failoverdomainnode: ['name', 'priority'],
  service: ['name', 'domain', 'autostart', 'exclusive', 'recovery', 'max_restarts', 'restart_expire_time', 'depend',
    'depend_mode', 'hardrecovery', 'priority', 'nfslock', 'nfs_client_cache', 'ref', '__independent_subtree',
    '__enforce_timeouts', '__max_failures', '__failure_expire_time', '__max_restarts', '__restart_expire_time'],
  vm: ['name', 'domain', 'autostart', 'exclusive', 'recovery', 'max_restarts', 'restart_expire_time', 'depend',
    'depend_mode', 'hardrecovery', 'priority', 'path', 'xmlfile', 'migrate', 'migration_mapping', 'use_virsh', 'hypervisor',
    'hypervisor_uri', 'migration_uri', 'snapshot', 'status_program', 'tunnelled', 'ref', '__independent_subtree',
    '__enforce_timeouts'],
};
