/**
 * The keyword tree keepalived 2.2.7 installs (Debian's build: VRRP, LVS, BFD,
 * VMAC, ipvlan, VRF, linkbeat, track_process, nftables without iptables or
 * ipsets, SNMP, D-Bus, JSON, regex checks, SNI, SMTP host entries).
 *
 * It is what the parser needs to split a config into blocks the way
 * keepalived does: for each block kind, which keywords exist, which open a
 * sub-block of keywords (`opens`), and which read a list of values, one per
 * line (`values`, keepalived's alloc_value_block). Every other keyword is a
 * plain statement. What each keyword means is in the model builders
 * (build-*.ts); this table only fixes the shape.
 *
 * Source: the install_keyword_root / install_keyword / install_sublevel calls
 * of global_parser.c, vrrp_parser.c, check_parser.c, check_*.c, bfd_parser.c
 * and track_file.c, taken with that build's feature set.
 */

export type BlockKind =
  | 'root'
  | 'global_defs'
  | 'track_group'
  | 'vrrp_sync_group'
  | 'garp_group'
  | 'vrrp_instance'
  | 'authentication'
  | 'vrrp_script'
  | 'vrrp_track_process'
  | 'SSL'
  | 'virtual_server'
  | 'real_server'
  | 'MISC_CHECK'
  | 'SMTP_CHECK'
  | 'smtp_host'
  | 'TCP_CHECK'
  | 'PING_CHECK'
  | 'UDP_CHECK'
  | 'http_check'
  | 'url'
  | 'DNS_CHECK'
  | 'FILE_CHECK'
  | 'BFD_CHECK'
  | 'bfd_instance'
  | 'track_file';

export interface KeywordShape {
  /** The keyword opens a block of sub-keywords of this kind. */
  readonly opens?: BlockKind;
  /** The keyword reads a value block: `{`, one item per line, `}`. */
  readonly values?: true;
  /** Words allowed before a value block's `{` (virtual_server_group NAME). */
  readonly valueArgs?: number;
}

const plain = (words: string): Record<string, KeywordShape> =>
  Object.fromEntries(words.split(/\s+/).filter(Boolean).map((w) => [w, {}]));
const values = (words: string): Record<string, KeywordShape> =>
  Object.fromEntries(words.split(/\s+/).filter(Boolean).map((w) => [w, { values: true }]));

/** Keywords every health checker shares (check_api.c install_checker_common_keywords). */
const CHECKER_CONNECTION = 'connect_ip connect_port bindto bind_port bind_if connect_timeout fwmark ';
const CHECKER_COMMON = 'retry delay_before_retry warmup delay_loop alpha log_all_failures ';

export const KEYWORDS: Readonly<Record<BlockKind, Readonly<Record<string, KeywordShape>>>> = {
  root: {
    global_defs: { opens: 'global_defs' },
    track_group: { opens: 'track_group' },
    vrrp_sync_group: { opens: 'vrrp_sync_group' },
    garp_group: { opens: 'garp_group' },
    vrrp_instance: { opens: 'vrrp_instance' },
    vrrp_script: { opens: 'vrrp_script' },
    vrrp_track_process: { opens: 'vrrp_track_process' },
    SSL: { opens: 'SSL' },
    virtual_server: { opens: 'virtual_server' },
    bfd_instance: { opens: 'bfd_instance' },
    track_file: { opens: 'track_file' },
    vrrp_track_file: { opens: 'track_file' },
    virtual_server_group: { values: true, valueArgs: 1 },
    ...values('static_ipaddress static_routes static_rules linkbeat_interfaces interface_up_down_delays'),
    ...plain(
      'linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets use_pid_dir ' +
      'instance child_wait_time'
    ),
  },
  global_defs: {
    ...values('notification_email'),
    ...plain(
      'process_names process_name vrrp_process_name checker_process_name lvs_process_name ' +
      'bfd_process_name router_id notification_email_from smtp_server smtp_helo_name ' +
      'smtp_connect_timeout smtp_alert startup_script startup_script_timeout shutdown_script ' +
      'shutdown_script_timeout max_auto_priority min_auto_priority_delay smtp_alert_vrrp ' +
      'smtp_alert_checker checker_log_all_failures dynamic_interfaces no_email_faults ' +
      'default_interface disable_local_igmp lvs_timeouts lvs_flush lvs_flush_on_stop ' +
      'lvs_flush_onstop lvs_sync_daemon vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_delay ' +
      'vrrp_garp_master_repeat vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat ' +
      'vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_down_timer_adverts ' +
      'vrrp_garp_interval vrrp_gna_interval vrrp_min_garp vrrp_garp_extra_if vrrp_vmac_garp_intvl ' +
      'vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_version vrrp_iptables nftables ' +
      'nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority ' +
      'nftables_ipvs_start_fwmark nftables_counters vrrp_check_unicast_src ' +
      'vrrp_skip_check_adv_addr vrrp_strict vrrp_priority vrrp_no_swap vrrp_rt_priority ' +
      'vrrp_cpu_affinity vrrp_rlimit_rttime vrrp_rlimit_rtime notify_fifo notify_fifo_script ' +
      'vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes ' +
      'fifo_write_vrrp_states_on_reload lvs_notify_fifo lvs_notify_fifo_script checker_priority ' +
      'checker_no_swap checker_rt_priority checker_cpu_affinity checker_rlimit_rttime ' +
      'checker_rlimit_rtime bfd_priority bfd_no_swap bfd_rt_priority bfd_cpu_affinity ' +
      'bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps enable_snmp_vrrp ' +
      'enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 ' +
      'enable_snmp_checker enable_dbus dbus_service_name script_user enable_script_security ' +
      'vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs ' +
      'vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs process_monitor_rcv_bufs_force ' +
      'lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs ' +
      'lvs_netlink_monitor_rcv_bufs_force rs_init_notifies no_checker_emails vrrp_rx_bufs_policy ' +
      'vrrp_rx_bufs_multiplier vrrp_startup_delay log_unknown_vrids vmac_prefix vmac_addr_prefix ' +
      'umask random_seed reload_check_config reload_time_file reload_repeat reload_file ' +
      'include_check config_save_dir tmp_config_directory data_use_instance'
    ),
  },
  track_group: {
    ...values('group'),
  },
  vrrp_sync_group: {
    ...values('group track_interface track_script track_file track_process track_bfd'),
    ...plain(
      'notify_backup notify_master notify_fault notify_stop notify smtp_alert global_tracking ' +
      'sync_group_tracking_weight notify_priority_changes'
    ),
  },
  garp_group: {
    ...values('interfaces'),
    ...plain(
      'garp_interval gna_interval interface'
    ),
  },
  vrrp_instance: {
    authentication: { opens: 'authentication' },
    ...values('unicast_peer track_interface track_script track_file track_process track_bfd virtual_ipaddress virtual_ipaddress_excluded virtual_routes virtual_rules'),
    ...plain(
      'use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_fault_no_peer check_unicast_src ' +
      'old_unicast_checksum native_ipv6 state interface vrf dont_track_primary mcast_src_ip ' +
      'unicast_src_ip mcast_dst_ip track_src_ip virtual_router_id unicast_ttl version priority ' +
      'advert_int promote_secondaries linkbeat_use_polling accept no_accept skip_check_adv_addr ' +
      'strict_mode preempt nopreempt preempt_delay debug notify_backup notify_master notify_fault ' +
      'notify_stop notify_deleted notify notify_master_rx_lower_pri smtp_alert ' +
      'notify_priority_changes lvs_sync_daemon_interface garp_master_delay garp_master_refresh ' +
      'garp_master_repeat garp_master_refresh_repeat garp_lower_prio_delay garp_lower_prio_repeat ' +
      'down_timer_adverts garp_extra_if vmac_garp_intvl lower_prio_no_advert ' +
      'higher_prio_send_advert kernel_rx_buf_size'
    ),
  },
  authentication: {
    ...plain(
      'auth_type auth_pass'
    ),
  },
  vrrp_script: {
    ...plain(
      'script interval timeout weight rise fall user init_fail'
    ),
  },
  vrrp_track_process: {
    ...plain(
      'process param_match weight quorum quorum_max delay terminate_delay fork_delay full_command'
    ),
  },
  SSL: {
    ...plain(
      'password ca certificate key'
    ),
  },
  virtual_server: {
    real_server: { opens: 'real_server' },
    ...plain(
      'ip_family retry delay_before_retry warmup connect_timeout delay_loop inhibit_on_failure ' +
      'lb_algo lvs_sched hashed ops flag-1 flag-2 flag-3 sh-port sh-fallback mh-port mh-fallback ' +
      'lb_kind lvs_method persistence_engine persistence_timeout persistence_granularity protocol ' +
      'ha_suspend smtp_alert virtualhost snmp_name alpha omega quorum_up quorum_down quorum ' +
      'hysteresis weight sorry_server sorry_server_inhibit sorry_server_lvs_method'
    ),
  },
  real_server: {
    MISC_CHECK: { opens: 'MISC_CHECK' },
    SMTP_CHECK: { opens: 'SMTP_CHECK' },
    TCP_CHECK: { opens: 'TCP_CHECK' },
    PING_CHECK: { opens: 'PING_CHECK' },
    UDP_CHECK: { opens: 'UDP_CHECK' },
    HTTP_GET: { opens: 'http_check' },
    SSL_GET: { opens: 'http_check' },
    DNS_CHECK: { opens: 'DNS_CHECK' },
    FILE_CHECK: { opens: 'FILE_CHECK' },
    BFD_CHECK: { opens: 'BFD_CHECK' },
    ...plain(
      'weight lvs_method uthreshold lthreshold inhibit_on_failure notify_up notify_down alpha retry ' +
        'delay_before_retry warmup connect_timeout delay_loop smtp_alert virtualhost snmp_name',
    ),
  },
  MISC_CHECK: plain(`${CHECKER_COMMON} misc_path misc_timeout misc_dynamic user`),
  SMTP_CHECK: { host: { opens: 'smtp_host' }, ...plain(`helo_name ${CHECKER_CONNECTION} ${CHECKER_COMMON}`) },
  smtp_host: plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON}`),
  TCP_CHECK: plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON}`),
  PING_CHECK: plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON}`),
  UDP_CHECK: plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON} payload require_reply min_reply_length max_reply_length`),
  http_check: {
    url: { opens: 'url' },
    ...plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON} nb_get_retry virtualhost http_protocol enable_sni fast_recovery`),
  },
  url: plain('path digest status_code virtualhost regex regex_no_match regex_options regex_min_offset regex_max_offset regex_stack'),
  DNS_CHECK: plain(`${CHECKER_CONNECTION} ${CHECKER_COMMON} type name`),
  FILE_CHECK: plain('track_file weight'),
  BFD_CHECK: plain('name alpha'),
  bfd_instance: plain(
    'source_ip neighbor_ip neighbour_ip min_rx min_tx idle_tx multiplier passive ttl hoplimit max_hops weight vrrp checker',
  ),
  track_file: plain('file weight init_file'),
};

/** The shape of `keyword` inside a block of `kind`, or undefined when keepalived does not know it there. */
export function keywordShape(kind: BlockKind, keyword: string): KeywordShape | undefined {
  const table = KEYWORDS[kind];
  return Object.prototype.hasOwnProperty.call(table, keyword) ? table[keyword] : undefined;
}

/**
 * Keywords whose keepalived handler reads its first argument unconditionally
 * (strvec_slot(strvec, 1)): without one keepalived -t prints "missing a
 * parameter" and exits with status 2 at once.
 */
const CHECKER_REQUIRED = 'connect_ip connect_port bindto bind_port bind_if connect_timeout fwmark retry delay_before_retry warmup delay_loop';
export const REQUIRES_ARGUMENT: Readonly<Partial<Record<BlockKind, ReadonlySet<string>>>> = {
  root: set('child_wait_time vrrp_script vrrp_track_process virtual_server_group virtual_server track_file vrrp_track_file'),
  global_defs: set(
    'process_name vrrp_process_name checker_process_name lvs_process_name bfd_process_name smtp_server smtp_connect_timeout ' +
      'vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_delay vrrp_garp_master_repeat vrrp_garp_master_refresh ' +
      'vrrp_garp_master_refresh_repeat vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_down_timer_adverts ' +
      'vrrp_garp_interval vrrp_gna_interval vrrp_version nftables_priority nftables_ipvs_priority nftables_ipvs_start_fwmark ' +
      'vrrp_startup_delay vmac_prefix vmac_addr_prefix random_seed umask config_save_dir vrrp_rlimit_rttime checker_rlimit_rttime bfd_rlimit_rttime ' +
      'vrrp_rlimit_rtime checker_rlimit_rtime bfd_rlimit_rtime',
  ),
  vrrp_sync_group: set('notify_backup notify_master notify_fault notify_stop notify'),
  garp_group: set('garp_interval gna_interval interface'),
  vrrp_instance: set(
    'state interface vrf mcast_src_ip unicast_src_ip mcast_dst_ip virtual_router_id unicast_ttl version priority advert_int ' +
      'preempt_delay debug notify_backup notify_master notify_fault notify_stop notify notify_master_rx_lower_pri ' +
      'lvs_sync_daemon_interface garp_master_delay garp_master_refresh garp_master_repeat garp_master_refresh_repeat ' +
      'garp_lower_prio_delay garp_lower_prio_repeat down_timer_adverts',
  ),
  authentication: set('auth_type auth_pass'),
  vrrp_script: set('interval timeout weight rise fall user'),
  vrrp_track_process: set('process quorum quorum_max delay terminate_delay fork_delay'),
  virtual_server: set(
    'ip_family retry delay_before_retry warmup connect_timeout delay_loop lb_algo lvs_sched lb_kind lvs_method persistence_engine ' +
      'persistence_granularity protocol quorum_up quorum_down quorum hysteresis weight sorry_server real_server',
  ),
  real_server: set('weight lvs_method uthreshold lthreshold notify_up notify_down retry delay_before_retry warmup connect_timeout delay_loop'),
  MISC_CHECK: set('retry delay_before_retry warmup delay_loop misc_timeout'),
  SMTP_CHECK: set(CHECKER_REQUIRED),
  smtp_host: set(CHECKER_REQUIRED),
  TCP_CHECK: set(CHECKER_REQUIRED),
  PING_CHECK: set(CHECKER_REQUIRED),
  UDP_CHECK: set(`${CHECKER_REQUIRED} min_reply_length max_reply_length`),
  http_check: set(`${CHECKER_REQUIRED} nb_get_retry`),
  DNS_CHECK: set(`${CHECKER_REQUIRED} type name`),
  url: set('path digest'),
  FILE_CHECK: set('track_file'),
  bfd_instance: set('source_ip neighbor_ip neighbour_ip min_rx min_tx idle_tx multiplier ttl hoplimit max_hops weight'),
};

function set(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter(Boolean));
}
