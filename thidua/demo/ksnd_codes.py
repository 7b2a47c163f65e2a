"""The title codes of the KSND pack (thidua/packs/ksnd/titles.json) the demo data refers to:
the demo is KSND data, the eligibility engine knows titles only by their title of the Law."""

LDTT = "LDTT"
CSTDCS = "CSTDCS"
CSTD_NGANH = "CSTD_NGANH"
TTLDTT = "TTLDTT"
TTLDXS = "TTLDXS"
CO_NGANH = "CO_NGANH"
KNC = "KNC_VSNKS"
