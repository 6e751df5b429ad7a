# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The web sites are tested before they replace the live file: the roles' test
helpers (the `validate` of the nginx and Apache real-server sites and of the
directors' sorry site), rendered from the real templates, run against Debian 12's
nginx and Apache httpd (tests/hostile/site-tools.sh).

Each case runs in a mount namespace of its own whose /etc, /usr and /var are
overlays with the unpacked packages on top, set up as the package scripts and the
role leave them before the site is written (Debian's default site enabled, the
modules the site needs enabled): the rendered site passes, a broken one fails, and
the live tree is left as it was either way.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shlex
import subprocess
import tempfile

import pytest

from cluster import REPO, Cluster

TOPOLOGIES = os.path.join(REPO, 'inventories', 'topologies')
LAB = os.path.join(REPO, 'inventories', 'lab')
ECMP = os.path.join(REPO, 'inventories', 'ecmp')


@pytest.fixture(scope='module')
def root():
    return subprocess.run([os.path.join(REPO, 'tests', 'hostile', 'site-tools.sh')],
                          capture_output=True, text=True, check=True).stdout.strip()


def in_namespace(root, setup, helper, candidate, live):
    """(exit code of the helper on candidate, output, live file's content after or None)."""
    with tempfile.TemporaryDirectory() as directory:
        for name in ('helper', 'candidate'):
            with open(os.path.join(directory, name), 'w') as handle:
                handle.write({'helper': helper, 'candidate': candidate}[name])
        lines = ['mount --make-rprivate /', 'mount -t tmpfs none {d}/fs'.format(d=directory)]
        for layer in ('etc', 'usr', 'var'):
            lines += ['mkdir -p {d}/fs/{l}-up {d}/fs/{l}-work'.format(d=directory, l=layer),
                      'mount -t overlay overlay -o lowerdir={r}/{l}:/{l},upperdir={d}/fs/{l}-up,workdir={d}/fs/{l}-work /{l}'
                      .format(r=root, d=directory, l=layer)]
        lines += setup + [
            'set +e', 'sh {d}/helper {d}/candidate 2>&1'.format(d=directory), 'code=$?',
            'echo "@@ exit $code"', 'cat {live} 2>/dev/null || echo "@@ absent"'.format(live=shlex.quote(live))]
        os.mkdir(os.path.join(directory, 'fs'))
        result = subprocess.run(['unshare', '--mount', 'sh', '-ec', '\n'.join(lines)], capture_output=True, text=True, check=False)
    assert '@@ exit ' in result.stdout, result.stderr + result.stdout
    said, after = result.stdout.rsplit('@@ exit ', 1)
    code, live_after = after.split('\n', 1)
    return int(code), said, None if live_after.strip() == '@@ absent' else live_after


def broken(site):
    return site + '\nthis is not a directive;\n'


def realserver(inventory, host):
    cluster = Cluster(inventory)
    v = cluster.role_vars('realserver', host)
    v['realserver_served'] = cluster.served(v)
    v['realserver_listen_ports'] = v['realserver_web_ports'] or v['realserver_served']['ports']
    v['ansible_managed'] = 'Ansible managed'
    return cluster, v


NGINX_AS_INSTALLED = ['ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default']


def passes_and_refuses(root, setup, helper, site, live_path, live_before=None):
    """The rendered site passes the helper's test and a broken copy fails it, naming
    the bad line; either way the live file stays as it was (live_before, None: absent)."""
    for candidate, good in ((site, True), (broken(site), False)):
        code, said, live = in_namespace(root, setup, helper, candidate, live_path)
        assert code == 0 if good else (code != 0 and 'this' in said), said
        assert (None if live is None else live.strip()) == live_before


@pytest.mark.parametrize('inventory, ipv6', [(LAB, False), (ECMP, True)], ids=['ipv4', 'ipv6'])
def test_nginx_site(root, inventory, ipv6):
    """ecmp's real servers serve the IPv6 VIP web6 too: nginx then listens on IPv6 as well."""
    cluster, v = realserver(inventory, 'rs1')
    assert v['realserver_served']['ipv6'] == ipv6
    helper = cluster.render(v, 'nginx-site-test.sh.j2')
    site = cluster.render(v, 'nginx-site.conf.j2')
    assert 'default_server' in site   # the default site's default_server must be out of the test's tree
    assert ('listen [::]:80 default_server;' in site) == ipv6
    passes_and_refuses(root, NGINX_AS_INSTALLED, helper, site, v['realserver_nginx_site'])


def test_sorry_site(root):
    cluster = Cluster(TOPOLOGIES)
    v = cluster.role_vars('director', 'lvs1')
    v['ansible_managed'] = 'Ansible managed'
    v['director_services'] = cluster.director_services(v)
    assert v['director_sorry_server']
    helper = cluster.render(v, 'sorry-site-test.sh.j2')
    site = cluster.render(v, 'sorry-site.conf.j2')
    # web6's sorry server is "::1": the site listens on IPv6 too, and nginx takes it.
    assert 'listen [::]:80 default_server;' in site
    old = '# the sorry site of an earlier run'
    setup = NGINX_AS_INSTALLED + ['echo %s > %s' % (shlex.quote(old), v['director_sorry_site'])]
    passes_and_refuses(root, setup, helper, site, v['director_sorry_site'], live_before=old)


def test_apache_site(root):
    cluster, v = realserver(TOPOLOGIES, 'web1')
    assert v['realserver_web_server'] == 'apache' and v['realserver_https_ports']
    helper = cluster.render(v, 'apache-site-test.sh.j2')
    site = cluster.render(v, 'apache-site.conf.j2')
    assert 'SSLEngine on' in site
    key, cert = shlex.quote(v['realserver_tls_key']), shlex.quote(v['realserver_tls_cert'])
    # As the package's scripts leave it (Debian's default modules and site), then the
    # modules the role enables and the certificate it makes (tasks/apache.yml, tls.yml).
    setup = [
        'a2enmod -q mpm_event authz_core authn_core alias dir mime setenvif >/dev/null',
        'a2ensite -q 000-default >/dev/null',
        'a2enmod -q headers ssl >/dev/null',
        'mkdir -p "$(dirname %s)"' % cert,
        'openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=web1 -keyout %s -out %s 2>/dev/null' % (key, cert),
    ]
    passes_and_refuses(root, setup, helper, site, v['realserver_apache_site'])
