// The bpftrace scripts of `trace net`. Both print the line layout loaders/formats/bpftrace/parser.ts
// reads: TIME PID COMM SADDR:SPORT DADDR:DPORT NSECS TCP_SEND|TCP_RCV [BYTES], with NSECS from
// bpftrace's `nsecs` (CLOCK_MONOTONIC in bpftrace < 0.18: the clock of Triton's and `inferscope
// serve`'s traces). $1 is the port to keep (either end of the connection); 0 keeps every TCP socket.
// BEGIN runs once every probe is attached, so its line tells the collector tracing has started.

/**
 * The reference profiler's script: kprobes on tcp_sendmsg / tcp_recvmsg reading the socket's ports
 * and addresses (BTF). Needs kprobe support (kprobe_events), which not every kernel or VM has.
 */
export const KPROBE_SCRIPT = `
BEGIN {
  printf("Tracing TCP port %d (kprobe:tcp_sendmsg, kprobe:tcp_recvmsg)... Hit Ctrl-C to end.\\n", $1);
  printf("%-8s %-7s %-16s %-22s %-22s %-18s %s %s\\n", "TIME", "PID", "COMM", "SADDR:SPORT", "DADDR:DPORT", "TIME", "EVENT", "BYTES");
}

kprobe:tcp_sendmsg
{
  $sk = (struct sock *)arg0;
  $lport = $sk->__sk_common.skc_num;
  $dport = $sk->__sk_common.skc_dport;
  $dport = (($dport & 0xff) << 8) | ($dport >> 8);
  if ($sk->__sk_common.skc_family == 2 && ($1 == 0 || $lport == $1 || $dport == $1)) {
    printf("%s %d %s %s:%d %s:%d %llu TCP_SEND %d\\n", strftime("%H:%M:%S", nsecs), pid, comm,
      ntop(2, $sk->__sk_common.skc_rcv_saddr), $lport, ntop(2, $sk->__sk_common.skc_daddr), $dport, nsecs, arg2);
  }
}

kprobe:tcp_recvmsg
{
  $sk = (struct sock *)arg0;
  $lport = $sk->__sk_common.skc_num;
  $dport = $sk->__sk_common.skc_dport;
  $dport = (($dport & 0xff) << 8) | ($dport >> 8);
  if ($sk->__sk_common.skc_family == 2 && ($1 == 0 || $lport == $1 || $dport == $1)) {
    printf("%s %d %s %s:%d %s:%d %llu TCP_RCV\\n", strftime("%H:%M:%S", nsecs), pid, comm,
      ntop(2, $sk->__sk_common.skc_rcv_saddr), $lport, ntop(2, $sk->__sk_common.skc_daddr), $dport, nsecs);
  }
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

export type NetScript = "kprobe" | "tracepoint";

export function scriptText(kind: NetScript): string {
  return kind === "kprobe" ? KPROBE_SCRIPT : TRACEPOINT_SCRIPT;
}
