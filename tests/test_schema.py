"""The data contract: schemas, aliases, keys, personal columns, the generated data dictionary."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from kaltara_study.data import schema as S
from kaltara_study.data.read import normalise_header

RAW_KINDS = {"idm_desa", "idm_indicators", "simkopdes_locations", "simkopdes_land", "boundary_centroids",
             "kemendagri_kabkota", "kemendagri_kecamatan", "kemendagri_desa", "kemendagri_summary",
             "simkopdes_village_stats", "simkopdes_match", "idm_summary", "idm_long", "idm_wide",
             "bps_bridge_kabkota", "bps_bridge_kecamatan", "podes", "survey"}
CONTRACT = """coop_id kode_desa nama_desa jenis kode_kecamatan nama_kecamatan kode_kabkota nama_kabkota reg_accounts
reg_npwp reg_nib reg_rat reg_tx_volume reg_tx_value_rp reg_savings_rp population households n_markets n_shops n_banks
n_micro_industries n_bumdes_units has_lpg_base has_health_facility has_pharmacy_village signal_4g road_access_village
idm_year iks ike ikl idm idm_status members own_capital_rp assets_rp liabilities_rp turnover_rp shu_rp unit_office
unit_sembako unit_savings_loan unit_clinic unit_pharmacy unit_warehouse unit_logistics has_legal_entity has_nib
has_npwp has_bank_account rat_held_12m board_trained last_rat_date premises partners_existing distance_kab_km
road_access signal health_governance health_risk health_financial health_capital health_score health_rating
units_operating debt_ratio members_per_100_hh shops_per_1000 markets_per_1000 signal_score road_score is_kelurahan
data_source""".split()


def test_raw_schema_keys_match_the_agreed_api():
    assert set(S.RAW_SCHEMAS) == RAW_KINDS
    assert set(S.COLUMN_ALIASES) <= RAW_KINDS
    assert RAW_KINDS <= set(S.KEYS)
    assert S.PERSONAL_COLUMNS == ("chair_name", "chair_nik", "chair_phone")


def test_every_column_has_metadata_of_a_known_kind():
    for name, schema in {**S.RAW_SCHEMAS, **S.PROCESSED_SCHEMAS}.items():
        for col, c in schema.columns.items():
            meta = c.metadata or {}
            assert meta.get("kind") in S.KINDS, (name, col)
            assert meta.get("desc_id") and meta.get("desc_en"), (name, col)
            assert "unit" in meta, (name, col)


def test_keys_are_columns_of_their_schema():
    for kind, key in S.KEYS.items():
        schema = S.RAW_SCHEMAS.get(kind) or S.PROCESSED_SCHEMAS[kind]
        assert set(key) <= set(schema.columns), kind


def test_aliases_are_normalised_and_point_to_schema_columns():
    for kind, aliases in S.COLUMN_ALIASES.items():
        for raw, canon in aliases.items():
            assert raw == normalise_header(raw), (kind, raw)
            assert canon in S.RAW_SCHEMAS[kind].columns, (kind, canon)


def test_survey_form_has_the_indonesian_headers_and_personal_columns():
    heads = S.COLUMN_ALIASES["survey"]
    for h in ("Nama Koperasi", "No. Badan Hukum", "Kode Desa", "Jumlah Anggota", "Modal Sendiri (Rp)",
              "Omzet Tahunan", "SHU", "Unit Gerai Sembako", "NIB", "NPWP", "Rekening Bank", "Tanggal RAT Terakhir",
              "Nama Ketua", "NIK Ketua", "No. HP Ketua"):
        assert normalise_header(h) in heads, h
    assert set(S.PERSONAL_COLUMNS) <= set(S.RAW_SCHEMAS["survey"].columns)
    assert not set(S.PERSONAL_COLUMNS) & set(S.PROCESSED_SCHEMAS["cooperatives"].columns)


def test_processed_cooperatives_schema_is_the_contract():
    cols = list(S.PROCESSED_SCHEMAS["cooperatives"].columns)
    assert set(CONTRACT) <= set(cols)
    assert list(S.COOPERATIVE_COLUMNS) == CONTRACT
    booleans = [c for c in CONTRACT if c.startswith(("has_", "unit_")) and c != "units_operating"] + [
        "signal_4g", "rat_held_12m", "board_trained"]
    for c in booleans:
        assert str(S.PROCESSED_SCHEMAS["cooperatives"].columns[c].dtype) == "boolean", c


def test_processed_schema_rejects_out_of_range_values():
    sch = S.PROCESSED_SCHEMAS["cooperatives"]
    ok = pd.DataFrame({"members": pd.array([10], dtype="Int64")})
    sub = pa.DataFrameSchema({"members": sch.columns["members"], "health_score": sch.columns["health_score"]})
    sub.validate(ok.assign(health_score=[55.0]))
    with pytest.raises(pa.errors.SchemaError):
        sub.validate(ok.assign(health_score=[101.0]))
    with pytest.raises(pa.errors.SchemaError):
        sub.validate(pd.DataFrame({"members": pd.array([-1], dtype="Int64"), "health_score": [1.0]}))


def test_raw_kemendagri_code_check_rejects_malformed_codes():
    col = S.RAW_SCHEMAS["kemendagri_desa"].columns["kode"]
    pa.DataFrameSchema({"kode": col}).validate(pd.DataFrame({"kode": ["65.01.10.2001"]}))
    with pytest.raises(pa.errors.SchemaError):
        pa.DataFrameSchema({"kode": col}).validate(pd.DataFrame({"kode": ["65.01.10.3001"]}))


def test_data_dictionary_covers_every_column_with_both_languages():
    dd = S.data_dictionary()
    n = sum(len(s.columns) for s in {**S.RAW_SCHEMAS, **S.PROCESSED_SCHEMAS}.values())
    assert len(dd) == n
    assert dd["desc_id"].str.len().gt(0).all() and dd["desc_en"].str.len().gt(0).all()
    assert dd.loc[dd["personal"], "column"].drop_duplicates().tolist() == list(S.PERSONAL_COLUMNS)


def _fresh_schema_module():
    """A private copy of kaltara_study.data.schema (other tests may have altered the shared schema objects)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_schema_fresh_copy", S.__file__)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_data_dictionary_is_the_generated_one(project):
    text = (project / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert text == _fresh_schema_module().data_dictionary_markdown(), (
        "docs/data_dictionary.md is stale: regenerate with kaltara_study.data.processed.write_data_dictionary()")
