"""Shingles, exact Jaccard, MinHash and LSH band keys: laws (Hypothesis) and every branch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qitong.domain.duplicates import (
    EMPTY,
    LshParams,
    MinHasher,
    estimate,
    from_bytes,
    jaccard,
    mask_title,
    normalize,
    shingles,
    ticket_text,
    to_bytes,
)

HASHER = MinHasher()
CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=0, max_size=60)
ANY = st.text(max_size=60)


def test_normalize_drops_spaces_punctuation_and_folds_width_and_case() -> None:
    assert normalize("\n\t 营业执照，变更！ＡＢｃ１２ ") == "营业执照变更abc12"


def test_shingles_are_exact_bigram_codes_sorted_and_unique() -> None:
    sh = shingles("审批审批")
    assert sh.dtype == np.uint32
    expected = sorted({(ord("审") << 16) | ord("批"), (ord("批") << 16) | ord("审")})
    assert sh.tolist() == expected


def test_shingles_of_empty_and_one_character_texts() -> None:
    assert shingles("，。 ").size == 0
    assert shingles("税").tolist() == [(ord("税") << 16) | 0xFFFF]


def test_shingles_outside_the_basic_plane_are_hashed_stably() -> None:
    a, b = shingles("𠀀𠀁审批"), shingles("𠀀𠀁审批")
    assert a.tolist() == b.tolist() and a.size == 3


def test_ticket_text_joins_title_and_content() -> None:
    assert ticket_text("标题", "内容") == "标题。内容"


@given(ANY)
def test_identical_text_has_similarity_one_unless_empty(t: str) -> None:
    sh = shingles(t)
    assert jaccard(sh, sh) == (1.0 if sh.size else 0.0)


@given(ANY, ANY)
def test_jaccard_is_symmetric_and_bounded(a: str, b: str) -> None:
    x, y = shingles(a), shingles(b)
    assert jaccard(x, y) == jaccard(y, x)
    assert 0.0 <= jaccard(x, y) <= 1.0


@given(CJK, CJK)
def test_punctuation_and_spacing_do_not_change_similarity(a: str, b: str) -> None:
    assert jaccard(shingles(a), shingles(b)) == jaccard(shingles(" ，".join(a)), shingles(b + "。"))


def test_jaccard_of_an_empty_set_is_zero() -> None:
    assert jaccard(EMPTY, shingles("营业执照")) == 0.0


@given(ANY)
def test_bytes_round_trip(t: str) -> None:
    sh = shingles(t)
    assert from_bytes(to_bytes(sh)).tolist() == sh.tolist()


@settings(max_examples=50)
@given(CJK)
def test_signature_and_keys_are_deterministic_and_identical_texts_share_every_band(t: str) -> None:
    sh = shingles(t)
    again = MinHasher()  # another process: same seed, same functions
    assert HASHER.signature(sh).tolist() == again.signature(sh).tolist()
    keys = HASHER.keys_for(sh)
    assert keys == again.keys_for(shingles(t))
    assert len(keys) == (HASHER.params.bands if sh.size else 0)
    assert all(-(2**63) <= k < 2**63 for k in keys)


def test_empty_set_has_no_band_keys() -> None:
    assert HASHER.keys_for(EMPTY) == []
    assert estimate(HASHER.signature(EMPTY), HASHER.signature(EMPTY)) == 1.0


def test_estimate_tracks_exact_jaccard() -> None:
    a = shingles("反映春华镇金鼎村水泥路自来水到户的问题，本人系七里组村民，不知是否有相关政策和集资办法")
    b = shingles("反映春华镇金鼎村水泥路与自来水到户问题，本人是七里组村民，不知是否有相关政策或集资的办法")
    exact = jaccard(a, b)
    est = estimate(HASHER.signature(a), HASHER.signature(b))
    assert abs(est - exact) < 0.15
    assert set(HASHER.keys_for(a)) & set(HASHER.keys_for(b))


def test_unrelated_texts_share_no_band_key() -> None:
    a = shingles("营业执照经营范围变更申请三周没有结果，影响投标")
    b = shingles("厂区门口道路积水严重，货车无法进出，请求尽快修复排水设施")
    assert jaccard(a, b) < 0.05
    assert not set(HASHER.keys_for(a)) & set(HASHER.keys_for(b))


def test_estimate_refuses_mismatched_signatures() -> None:
    with pytest.raises(ValueError):
        estimate(HASHER.signature(shingles("营业执照")), np.zeros(3, dtype=np.uint32))


def test_collision_probability_is_the_s_curve() -> None:
    p = LshParams()
    assert p.num_perm == 128
    assert p.collision_probability(1.0) == 1.0
    assert p.collision_probability(0.6) > 0.98
    assert p.collision_probability(0.05) < 0.001


def test_mask_title_keeps_a_third_at_most_six_characters() -> None:
    assert mask_title("营业执照变更审批超时") == "营业执＊＊＊"
    assert mask_title("A3区一米阳光婚纱艺术摄影是否合法纳税了？") == "A3区一米阳＊＊＊"
    assert mask_title("税") == "＊＊＊"
