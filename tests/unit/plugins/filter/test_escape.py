# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.lvs.cluster.plugins.filter.keepalived_escaped import keepalived_escaped
from ansible_collections.lvs.cluster.plugins.filter.keepalived_quotable import keepalived_quotable
from ansible_collections.lvs.cluster.plugins.filter.keepalived_word import keepalived_word
from ansible_collections.lvs.cluster.plugins.filter.mask_secrets import mask_secrets
from ansible_collections.lvs.cluster.plugins.filter.nft_comment import nft_comment


def unescape_keepalived(word):
    """Read one "..." word back as keepalived's alloc_strvec_quoted_escaped() does."""
    assert word.startswith('"') and word.endswith('"')
    simple = {'a': '\a', 'b': '\b', 'E': '\x1b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

    def one(match):
        text = match.group(1)
        if text[0] in '01234567':
            return chr(int(text, 8))
        return simple.get(text, text)
    return re.sub(r'\\([0-7]{1,3}|.)', one, word[1:-1])


@pytest.mark.parametrize('value', [
    '/usr/local/bin/check', '/bin/sh -c "a b"', 'x\\y', 'end\\', 'new\nline', '}\nvirtual_server 1.2.3.4 80 {',
    'tab\tx', '$(id) `id` ;|&', "it's", 'wéb', '\x007',
])
def test_keepalived_escaped_reads_back_as_the_value(value):
    word = keepalived_escaped(value)
    assert '\n' not in word and unescape_keepalived(word) == value
    assert re.fullmatch(r'"([^"\\]|\\.)*"', word)        # one quoted word, every quote escaped


def test_keepalived_escaped_keeps_plain_values_bare_when_asked():
    assert keepalived_escaped('/node/', always=False) == '/node/'
    assert keepalived_escaped('/a b', always=False) == '"/a b"'
    assert keepalived_escaped('/bin/check') == '"/bin/check"'


@pytest.mark.parametrize('value, written', [
    ('lab-vrrp', 'lab-vrrp'), ('/node/', '/node/'), ('a  b', '"a  b"'), ("q'#!x", '"q\'#!x"'), ('a\\b', '"a\\b"'),
    ('tr  ', '"tr  "'),
])
def test_keepalived_word(value, written):
    assert keepalived_word(value) == written


@pytest.mark.parametrize('value', ['x"y', 'a\nb', 'tab\t', 'end\\'])
def test_keepalived_word_refuses_what_keepalived_cannot_read_without_echoing_it(value):
    assert keepalived_quotable(value)
    with pytest.raises(AnsibleFilterError) as caught:
        keepalived_word(value)
    assert value not in str(caught.value)


def test_keepalived_quotable_accepts_the_rest():
    assert keepalived_quotable('a  b!#\'') == ''


@pytest.mark.parametrize('value, written', [
    ('web', '"web"'),
    ('lvs_virtual_services web', '"lvs_virtual_services web"'),
    ('" ; }\n}\nflush ruleset', '"\' ; } } flush ruleset"'),
])
def test_nft_comment(value, written):
    assert nft_comment(value) == written


def test_nft_comment_fits_nft_limit_in_bytes():
    written = nft_comment('é' * 200)
    assert len(written[1:-1].encode('utf-8')) <= 128 and written.endswith('..."')
    assert nft_comment('x' * 125) == '"%s"' % ('x' * 125)


def test_mask_secrets_masks_before_any_rewriting():
    said = "(Line 30) Unterminated quote 'auth_pass a  b \"'"
    assert mask_secrets(said, ['a  b']) == "(Line 30) Unterminated quote 'auth_pass ******** \"'"


def test_mask_secrets_masks_long_parts_and_ignores_empty_secrets():
    assert mask_secrets('auth_pass secret', ['secret word', '']) == 'auth_pass ********'
    assert mask_secrets('a b c', ['a b x']) == 'a b c'       # short parts would mask everything
