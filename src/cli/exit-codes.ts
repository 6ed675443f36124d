/**
 * Exit statuses, shared by every command. The numbers follow compiler and BSD
 * sysexits habits so scripts can tell "your input has problems" from "you called
 * me wrong" from "I broke".
 */
export const EXIT_OK = 0;
/** The command ran and found problems (validation errors, failed assertions). */
export const EXIT_FINDINGS = 1;
/** Bad arguments, unreadable input files or folders. */
export const EXIT_USAGE = 2;
/** An unexpected exception: a bug in vrrp-lab (sysexits EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;
