# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Feasibility probe (not used by the modules): read the IPVS table over generic netlink.

Issue 3 asked whether reading the table through the kernel's "IPVS"
generic-netlink family from Python (stdlib socket + struct, layouts per
linux/ip_vs.h) would let the module meet its 1.5x targets.  This is the
prototype reader that was timed for that question; see bench/README.md,
"Feasibility of a netlink reader".  Modes:

``lab``      (controller) starts a privileged ``bench-netlink-<pid>`` container,
             loads N services x 2 real servers with one ``ipvsadm -R``, runs
             ``measure`` there and removes the container.
``measure``  (inside) checks that the netlink read equals the parse of
             ``ipvsadm -S -n`` + ``--thresholds``, then times, medians of
             ``--repeats``: ``ipvsadm -R`` into an empty table, ``ipvsadm -S -n``, ``python3 -c pass``, the
             netlink read (decoded, and raw), an AnsibleModule that only takes
             the ``services`` list, and the shipped module's no-op run.
``read``     (inside) one netlink read, decoded to the module's model.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ipvs_module as bench  # noqa: E402  (same directory: the lab harness and its helpers)

ipvs_model = ipvs_text = None  # the collection's model, imported inside the container (see load_model)

NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLA_TYPE_MASK = 0x3fff  # without NLA_F_NESTED / NLA_F_NET_BYTEORDER

IPVS_GENL_NAME = b'IPVS\0'
IPVS_GENL_VERSION = 1
IPVS_CMD_GET_SERVICE = 4
IPVS_CMD_GET_DEST = 8
IPVS_CMD_ATTR_SERVICE = 1
IPVS_CMD_ATTR_DEST = 2

SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK, SVC_SCHED_NAME, SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK, \
    SVC_STATS, SVC_PE_NAME, SVC_STATS64 = range(1, 13)
DEST_ADDR, DEST_PORT, DEST_FWD_METHOD, DEST_WEIGHT, DEST_U_THRESH, DEST_L_THRESH, DEST_ACTIVECONNS, \
    DEST_INACTCONNS, DEST_PERSISTCONNS, DEST_STATS, DEST_ADDR_FAMILY, DEST_STATS64, DEST_TUN_TYPE, \
    DEST_TUN_PORT, DEST_TUN_FLAGS = range(1, 16)
# The attributes that identify a service: a GET_DEST request carries only these.
SERVICE_IDENTITY = (SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK)

IP_VS_SVC_F_PERSISTENT = 0x1
IP_VS_SVC_F_ONEPACKET = 0x4
SCHEDULER_FLAG_BITS = (0x8, 0x10, 0x20)
FORWARDING = {0: 'nat', 1: 'dr', 2: 'tun', 3: 'dr'}  # masq, localnode (ipvsadm prints -g), tunnel, droute
IP_VS_CONN_F_FWD_MASK = 0x7
TUNNEL_TYPES = {0: 'ipip', 1: 'gue', 2: 'gre'}
TUNNEL_CHECKSUM_FLAGS = {0: 'nocsum', 1: 'csum', 2: 'remcsum'}
PROTOCOLS = {socket.IPPROTO_TCP: 'tcp', socket.IPPROTO_UDP: 'udp', 132: 'sctp'}

RECV_SIZE = 1 << 16

_NLMSGHDR = struct.Struct('=IHHII')
_GENLHDR = struct.Struct('=BBH')
_NLATTR = struct.Struct('=HH')
_U16 = struct.Struct('=H')
_U32 = struct.Struct('=I')
_BE16 = struct.Struct('!H')
_FLAGS = struct.Struct('=II')


class NetlinkError(Exception):
    """The kernel refused a request, or IPVS is not there."""


# ---------------------------------------------------------------- wire format

def attribute(kind, payload):
    length = _NLATTR.size + len(payload)
    return _NLATTR.pack(length, kind) + payload + b'\0' * (-length % 4)


def attributes(data):
    """``{type: payload}`` of a run of netlink attributes."""
    found = {}
    offset, end = 0, len(data)
    while offset + 4 <= end:
        length, kind = _NLATTR.unpack_from(data, offset)
        if length < 4:
            break
        found[kind & NLA_TYPE_MASK] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return found


def request(family, command, seq, flags, payload=b''):
    body = _GENLHDR.pack(command, IPVS_GENL_VERSION, 0) + payload
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(body), family, NLM_F_REQUEST | flags, seq, 0) + body


def messages(data):
    """(type, seq, payload after the netlink header) of each message in one datagram."""
    offset, end = 0, len(data)
    while offset + _NLMSGHDR.size <= end:
        length, kind, dummy, seq, dummy = _NLMSGHDR.unpack_from(data, offset)
        if length < _NLMSGHDR.size:
            break
        yield kind, seq, data[offset + _NLMSGHDR.size:offset + length]
        offset += (length + 3) & ~3


def error_code(payload):
    return -struct.unpack_from('=i', payload)[0]


# ---------------------------------------------------------------- socket

class IPVSNetlink(object):
    """One generic-netlink socket to the kernel's IPVS family."""

    def __init__(self):
        try:
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        except (AttributeError, OSError) as exc:
            raise NetlinkError('cannot open a generic netlink socket: %s' % exc)
        self.sock.bind((0, 0))
        self.seq = 0
        self.family = self._resolve_family()

    def close(self):
        self.sock.close()

    def _next_seq(self):
        self.seq += 1
        return self.seq

    def _resolve_family(self):
        seq = self._next_seq()
        payload = _GENLHDR.pack(CTRL_CMD_GETFAMILY, 1, 0) + attribute(CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME)
        self.sock.send(_NLMSGHDR.pack(_NLMSGHDR.size + len(payload), GENL_ID_CTRL, NLM_F_REQUEST, seq, 0) + payload)
        for kind, dummy, body in messages(self.sock.recv(RECV_SIZE)):
            if kind == NLMSG_ERROR:
                raise NetlinkError('the kernel has no IPVS netlink family (is ip_vs loaded?): errno %d'
                                   % error_code(body))
            return _U16.unpack(attributes(body[_GENLHDR.size:])[CTRL_ATTR_FAMILY_ID])[0]
        raise NetlinkError('no answer to the IPVS family lookup')

    def dump(self, command, payload=b''):
        """The raw attribute bodies of one dump's replies.

        One request at a time: a socket holds one dump in progress, and the
        kernel ends it (NLMSG_DONE) only when we read again, so requests
        cannot be pipelined on one socket (EBUSY).
        """
        self.sock.send(request(self.family, command, self._next_seq(), NLM_F_DUMP, payload))
        replies = []
        while True:
            for kind, dummy, body in messages(self.sock.recv(RECV_SIZE)):
                if kind == NLMSG_DONE:
                    return replies
                if kind == NLMSG_ERROR:
                    raise NetlinkError('IPVS netlink request %d failed: errno %d' % (command, error_code(body)))
                replies.append(body[_GENLHDR.size:])

    def read_raw(self):
        """The services' and their destinations' raw attribute bodies: [(service_body, [dest_body, ...])]."""
        return [(body, self.dump(IPVS_CMD_GET_DEST, identity_request(body)))
                for body in self.dump(IPVS_CMD_GET_SERVICE)]


def identity_request(service_body):
    """The GET_DEST payload naming the service of a GET_SERVICE reply."""
    nested = attributes(attributes(service_body)[IPVS_CMD_ATTR_SERVICE])
    inner = b''.join(attribute(kind, nested[kind]) for kind in SERVICE_IDENTITY if kind in nested)
    return attribute(IPVS_CMD_ATTR_SERVICE | 0x8000, inner)


# ---------------------------------------------------------------- decoding

def _address(family, packed):
    if family == socket.AF_INET6:
        return socket.inet_ntop(socket.AF_INET6, packed[:16])
    return socket.inet_ntop(socket.AF_INET, packed[:4])


def _u32(attrs, kind, default=0):
    value = attrs.get(kind)
    return _U32.unpack(value[:4])[0] if value else default


def _string(attrs, kind):
    value = attrs.get(kind)
    return value.split(b'\0', 1)[0].decode('ascii') if value else None


def decode_service(body):
    attrs = attributes(attributes(body)[IPVS_CMD_ATTR_SERVICE])
    af = _U16.unpack(attrs[SVC_AF][:2])[0]
    family = 'ipv6' if af == socket.AF_INET6 else 'ipv4'
    fwmark = _u32(attrs, SVC_FWMARK)
    if fwmark:
        key = ipvs_model.ServiceKey(None, None, None, fwmark, family)
    else:
        key = ipvs_model.ServiceKey(PROTOCOLS[_U16.unpack(attrs[SVC_PROTOCOL][:2])[0]], _address(af, attrs[SVC_ADDR]),
                                    _BE16.unpack(attrs[SVC_PORT][:2])[0], None, family)
    flags = _FLAGS.unpack(attrs[SVC_FLAGS][:8])[0]
    scheduler = _string(attrs, SVC_SCHED_NAME)
    names = ipvs_model.scheduler_flag_names(scheduler)
    timeout = netmask = None
    if flags & IP_VS_SVC_F_PERSISTENT:
        timeout = _u32(attrs, SVC_TIMEOUT)
        netmask = _netmask(af, attrs.get(SVC_NETMASK))
    return ipvs_model.Service(
        key, scheduler=scheduler, persistence_timeout=timeout, persistence_netmask=netmask,
        scheduler_flags=[names[i] for i, bit in enumerate(SCHEDULER_FLAG_BITS[:len(names)]) if flags & bit],
        persistence_engine=_string(attrs, SVC_PE_NAME), one_packet=flags & IP_VS_SVC_F_ONEPACKET)


def _netmask(af, raw):
    # IPv4: the mask in network order; IPv6: a prefix length (ipvsadm sends it as a plain u32).
    if af == socket.AF_INET6:
        return str(_U32.unpack(raw[:4])[0])
    return socket.inet_ntop(socket.AF_INET, raw[:4])


def decode_real_server(service, body):
    attrs = attributes(attributes(body)[IPVS_CMD_ATTR_DEST])
    af = _U16.unpack(attrs[DEST_ADDR_FAMILY][:2])[0] if DEST_ADDR_FAMILY in attrs else (
        socket.AF_INET6 if service.key.family == 'ipv6' else socket.AF_INET)
    forwarding = FORWARDING[_u32(attrs, DEST_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK]
    tunnel = {}
    if forwarding == 'tun':
        tunnel = dict(tunnel_type=TUNNEL_TYPES[attrs[DEST_TUN_TYPE][0]] if DEST_TUN_TYPE in attrs else None,
                      tunnel_port=_BE16.unpack(attrs[DEST_TUN_PORT][:2])[0] if DEST_TUN_PORT in attrs else None,
                      tunnel_checksum=TUNNEL_CHECKSUM_FLAGS.get(
                          _U16.unpack(attrs[DEST_TUN_FLAGS][:2])[0]) if DEST_TUN_FLAGS in attrs else None)
    return ipvs_model.RealServer(_address(af, attrs[DEST_ADDR]), _BE16.unpack(attrs[DEST_PORT][:2])[0],
                                 forwarding=forwarding, weight=_u32(attrs, DEST_WEIGHT),
                                 upper_threshold=_u32(attrs, DEST_U_THRESH), lower_threshold=_u32(attrs, DEST_L_THRESH),
                                 **tunnel)


def decode_table(raw):
    """The model table of ``read_raw()`` output."""
    table = {}
    for service_body, dest_bodies in raw:
        service = decode_service(service_body)
        for body in dest_bodies:
            real_server = decode_real_server(service, body)
            service.real_servers[real_server.key] = real_server
        table[service.key] = service
    return table


def read_table():
    connection = IPVSNetlink()
    try:
        return decode_table(connection.read_raw())
    finally:
        connection.close()


def load_model():
    global ipvs_model, ipvs_text
    sys.path.insert(0, bench.IN_CONTAINER + '/lib')
    from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_model as model, ipvs_text as text
    ipvs_model, ipvs_text = model, text


# ---------------------------------------------------------------- measuring

def check_equal():
    """The netlink read against the parse of ipvsadm's two reads of the same table."""
    saved = subprocess.run(['ipvsadm', '-S', '-n'], capture_output=True, text=True, check=True).stdout
    listing = subprocess.run(['ipvsadm', '-L', '-n', '--thresholds'], capture_output=True, text=True, check=True).stdout
    parsed = ipvs_text.apply_thresholds(ipvs_text.parse_save(saved), ipvs_text.parse_listing(listing, 'thresholds'))
    read = read_table()
    if read != parsed:
        raise SystemExit('netlink read differs from ipvsadm: %d vs %d services' % (len(read), len(parsed)))
    return len(read)


def measure(count, repeats):
    os.environ['PYTHONPATH'] = bench.IN_CONTAINER + '/lib'
    work = os.path.join(bench.IN_CONTAINER, 'work')
    os.makedirs(work, exist_ok=True)
    lines, services = bench.rules_and_args(count)
    restore_text = '\n'.join(lines) + '\n'
    bench.timed(['ipvsadm', '-C'])
    bench.timed(['ipvsadm', '-R'], restore_text)
    print('netlink read == ipvsadm parse for %d services' % check_equal())
    arguments_only = os.path.join(work, 'arguments_only.py')
    with open(arguments_only, 'w') as handle:
        handle.write(bench.ARGUMENTS_ONLY_MODULE)
    me = os.path.abspath(__file__)
    runs = dict((name, []) for name in ('restore', 'save', 'python_pass', 'netlink_read', 'netlink_read_raw',
                                        'arguments_only_floor', 'module_noop'))
    for dummy in range(repeats):
        bench.timed(['ipvsadm', '-C'])  # the converge target's baseline: one ipvsadm -R into an empty table
        runs['restore'].append(bench.timed(['ipvsadm', '-R'], restore_text)[0])
        runs['save'].append(bench.timed(['ipvsadm', '-S', '-n'])[0])
        runs['python_pass'].append(bench.timed([sys.executable, '-c', 'pass'])[0])
        runs['netlink_read'].append(bench.timed([sys.executable, me, 'read'])[0])
        runs['netlink_read_raw'].append(bench.timed([sys.executable, me, 'read', '--raw'])[0])
        runs['arguments_only_floor'].append(bench.run_module(services, work, arguments_only)[0])
        elapsed, result = bench.run_module(services, work)
        assert not result['changed'], result.get('msg')
        runs['module_noop'].append(elapsed)
    baseline = statistics.median(runs['save']) + statistics.median(runs['python_pass'])
    print('%-22s %9s %s' % ('what', 'median s', 'x (ipvsadm -S -n + python3 -c pass)'))
    for name, values in runs.items():
        value = statistics.median(values)
        print('%-22s %9.3f %.2fx   runs: %s' % (name, value, value / baseline, ' '.join('%.2f' % v for v in values)))
    bench.timed(['ipvsadm', '-C'])


def lab(args):
    name = 'bench-netlink-%d' % os.getpid()
    root = bench.bundle()
    subprocess.run(['cp', os.path.abspath(__file__), root], check=True)
    bench.docker('run', '-d', '--privileged', '--name', name, args.image)
    try:
        bench.docker('cp', root + '/.', '%s:%s' % (name, bench.IN_CONTAINER))
        subprocess.run(['docker', 'exec', name, 'python3', bench.IN_CONTAINER + '/netlink_probe.py', 'measure',
                        '--services', str(args.services), '--repeats', str(args.repeats)], check=True)
    finally:
        bench.docker('rm', '-f', name)
        subprocess.run(['rm', '-rf', root], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['lab', 'measure', 'read'])
    parser.add_argument('--services', type=int, default=2000)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--raw', action='store_true', help='read: skip decoding')
    parser.add_argument('--image', default='lvs-lab/debian12:latest')
    args = parser.parse_args()
    if args.mode == 'lab':
        lab(args)
        return
    load_model()
    if args.mode == 'measure':
        measure(args.services, args.repeats)
    elif args.raw:
        IPVSNetlink().read_raw()
    else:
        read_table()


if __name__ == '__main__':
    main()
