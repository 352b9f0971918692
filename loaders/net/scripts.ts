// The bpftrace scripts of `trace net`. Both print the line layout loaders/formats/bpftrace/parser.ts
// reads: TIME PID COMM SADDR:SPORT DADDR:DPORT NSECS TCP_SEND|TCP_RCV [BYTES], with NSECS from
// bpftrace's `nsecs` (CLOCK_MONOTONIC in bpftrace < 0.18: the clock of Triton's and `inferscope
// serve`'s traces). $1 is the port to keep (either end of the connection); 0 keeps every TCP socket.
// BEGIN runs once every probe is attached, so its line tells the collector tracing has started.

/**
 * The body shared by the kprobe and syscall scripts: given a `struct sock *` in `sk`, print one event
 * line when it is IPv4 or IPv6 and has the port at either end. The destination port is big-endian;
 * it is swapped into a new variable because bpftrace 0.17 silently keeps the old value when a u16
 * variable is reassigned from an expression that reads it.
 */
function sockEvent(sk: string, event: "TCP_SEND" | "TCP_RCV", bytes: string | null, indent = "  "): string {
  const c = `${sk}->__sk_common`;
  const tail = `nsecs${bytes ? `, ${bytes}` : ""}`;
  const fmt = (addr: string) => `printf("%s %d %s %s:%d %s:%d %llu ${event}${bytes ? " %d" : ""}\\n", strftime("%H:%M:%S", nsecs), pid, comm, ${addr.replace("SADDR", "$lport").replace("DADDR", "$dport")}, ${tail});`;
  return [
    `$lport = ${c}.skc_num;`,
    `$dport_be = ${c}.skc_dport;`,
    `$dport = (($dport_be & 0xff) << 8) | ($dport_be >> 8);`,
    `$family = ${c}.skc_family;`,
    `if (($family == 2 || $family == 10) && ($1 == 0 || $lport == $1 || $dport == $1)) {`,
    `  if ($family == 2) {`,
    `    ${fmt(`ntop(2, ${c}.skc_rcv_saddr), SADDR, ntop(2, ${c}.skc_daddr), DADDR`)}`,
    `  } else {`,
    `    ${fmt(`ntop(10, ${c}.skc_v6_rcv_saddr.in6_u.u6_addr8), SADDR, ntop(10, ${c}.skc_v6_daddr.in6_u.u6_addr8), DADDR`)}`,
    `  }`,
    `}`
  ].map((l) => indent + l).join("\n");
}

const HEADER = (probes: string) => `BEGIN {
  printf("Tracing TCP port %d (${probes})... Hit Ctrl-C to end.\\n", $1);
  printf("%-8s %-7s %-16s %-22s %-22s %-18s %s %s\\n", "TIME", "PID", "COMM", "SADDR:SPORT", "DADDR:DPORT", "TIME", "EVENT", "BYTES");
}`;

/**
 * The reference profiler's script: kprobes on tcp_sendmsg / tcp_recvmsg reading the socket's ports
 * and addresses (BTF). Needs kprobe support (kprobe_events), which not every kernel or VM has.
 */
export const KPROBE_SCRIPT = `
${HEADER("kprobe:tcp_sendmsg, kprobe:tcp_recvmsg")}

kprobe:tcp_sendmsg
{
  $sk = (struct sock *)arg0;
${sockEvent("$sk", "TCP_SEND", "arg2")}
}

kprobe:tcp_recvmsg
{
  $sk = (struct sock *)arg0;
${sockEvent("$sk", "TCP_RCV", null)}
}
`;

const SEND_SYSCALLS = ["write", "writev", "sendto", "sendmsg"];
const RECV_SYSCALLS = ["read", "readv", "recvfrom", "recvmsg"];

/** The syscalls the syscall script traces (enter and exit tracepoints of each). */
export const SYSCALL_TRACEPOINTS = [...SEND_SYSCALLS, ...RECV_SYSCALLS].flatMap((s) => [`syscalls/sys_enter_${s}`, `syscalls/sys_exit_${s}`]);

/** From a syscall's fd to its TCP socket: the task's fd table, then the file's socket (BTF, no kprobes). */
function syscallExit(event: "TCP_SEND" | "TCP_RCV", calls: string[]): string {
  return `${calls.map((c) => `tracepoint:syscalls:sys_exit_${c}`).join(",\n")}
/@fd[tid]/
{
  $fd = (uint64)(@fd[tid] - 1);
  delete(@fd[tid]);
  $fdt = curtask->files->fdt;
  $max_fds = (uint64)$fdt->max_fds;
  if (args->ret > 0 && $fd < $max_fds) {
    $file = *($fdt->fd + $fd);
    // S_IFSOCK, then TCP: other fds (files, pipes, UDP) are skipped.
    if ($file != 0 && ($file->f_inode->i_mode & 0xf000) == 0xc000) {
      $sk = ((struct socket *)$file->private_data)->sk;
      if ($sk->sk_protocol == 6) {
${sockEvent("$sk", event, "args->ret", "        ")}
      }
    }
  }
}`;
}

/**
 * Syscall tracepoints only, for kernels older than the sock_send_length tracepoints (Linux < 6.4) and
 * without kprobes: each read/write/send/recv family syscall's fd is resolved through the task's fd
 * table to its socket (needs BTF, /sys/kernel/btf/vmlinux), whose ports and addresses are read as the
 * kprobe script reads them. Sees connections opened before tracing too; times are the syscall's return.
 */
export const SYSCALL_SCRIPT = `
${HEADER("tracepoint:syscalls:sys_{enter,exit}_{write,writev,sendto,sendmsg,read,readv,recvfrom,recvmsg}")}

${[...SEND_SYSCALLS, ...RECV_SYSCALLS].map((c) => `tracepoint:syscalls:sys_enter_${c}`).join(",\n")}
{
  // fd + 1, so that fd 0 is not taken for a missing entry.
  @fd[tid] = (uint64)args->fd + 1;
}

${syscallExit("TCP_SEND", SEND_SYSCALLS)}

${syscallExit("TCP_RCV", RECV_SYSCALLS)}

END {
  clear(@fd);
}
`;

/**
 * Tracepoints only (no kprobes needed): sock:inet_sock_set_state gives a TCP socket's ports and
 * addresses when it becomes ESTABLISHED (both ends of a connection made while tracing), kept per
 * socket; sock:sock_send_length / sock:sock_recv_length (Linux 6.4+) give each send and receive
 * with its byte count. Connections that were open before tracing started are not seen.
 */
export const TRACEPOINT_SCRIPT = `
BEGIN {
  printf("Tracing TCP port %d (tracepoint:sock:sock_send_length, sock_recv_length, inet_sock_set_state)... Hit Ctrl-C to end.\\n", $1);
  printf("%-8s %-7s %-16s %-22s %-22s %-18s %s %s\\n", "TIME", "PID", "COMM", "SADDR:SPORT", "DADDR:DPORT", "TIME", "EVENT", "BYTES");
}

tracepoint:sock:inet_sock_set_state
/args->protocol == 6 && ($1 == 0 || args->sport == $1 || args->dport == $1)/
{
  if (args->newstate == 1) {
    @sport[args->skaddr] = args->sport;
    @dport[args->skaddr] = args->dport;
    if (args->family == 2) {
      @saddr[args->skaddr] = ntop(2, args->saddr);
      @daddr[args->skaddr] = ntop(2, args->daddr);
    } else {
      @saddr[args->skaddr] = ntop(10, args->saddr_v6);
      @daddr[args->skaddr] = ntop(10, args->daddr_v6);
    }
  }
  if (args->newstate == 7) {
    delete(@sport[args->skaddr]);
    delete(@dport[args->skaddr]);
    delete(@saddr[args->skaddr]);
    delete(@daddr[args->skaddr]);
  }
}

tracepoint:sock:sock_send_length
/@sport[args->sk]/
{
  printf("%s %d %s %s:%d %s:%d %llu TCP_SEND %d\\n", strftime("%H:%M:%S", nsecs), pid, comm,
    @saddr[args->sk], @sport[args->sk], @daddr[args->sk], @dport[args->sk], nsecs, args->ret);
}

tracepoint:sock:sock_recv_length
/@sport[args->sk] && args->ret > 0/
{
  printf("%s %d %s %s:%d %s:%d %llu TCP_RCV %d\\n", strftime("%H:%M:%S", nsecs), pid, comm,
    @saddr[args->sk], @sport[args->sk], @daddr[args->sk], @dport[args->sk], nsecs, args->ret);
}

END {
  clear(@sport);
  clear(@dport);
  clear(@saddr);
  clear(@daddr);
}
`;

export type NetScript = "kprobe" | "tracepoint" | "syscall";

export const NET_SCRIPTS: readonly NetScript[] = ["kprobe", "tracepoint", "syscall"];

export function scriptText(kind: NetScript): string {
  return kind === "kprobe" ? KPROBE_SCRIPT : kind === "tracepoint" ? TRACEPOINT_SCRIPT : SYSCALL_SCRIPT;
}
