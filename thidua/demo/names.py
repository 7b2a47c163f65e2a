"""Plausible Vietnamese full names (surname, middle name, given name), weighted like the
population's commonest surnames. Deterministic for a given random.Random."""

from __future__ import annotations

import random

SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2),
    ("Phan", 4), ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6), ("Mai", 0.5),
    ("Tạ", 0.3), ("Lương", 0.4), ("Đào", 0.5), ("Cao", 0.4), ("Lâm", 0.3), ("Hà", 0.5),
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Xuân", "Công", "Mạnh",
               "Tuấn", "Hoàng", "Trọng", "Đình", "Anh", "Quốc", "Việt", "Bá"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Thúy", "Hồng", "Kim", "Thị",
                 "Bích", "Diệu", "Hải", "Thùy", "Mai", "Thị"]
GIVEN_MALE = ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Hải", "Hiếu", "Hoàng", "Huy",
              "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
              "Quân", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn",
              "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Lộc", "Duy", "Đông", "Hòa", "Tiến"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huyền",
                "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Ngọc", "Nhung",
                "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Trâm", "Tuyết", "Vân",
                "Yến", "Hồng", "Thư", "Lệ", "My", "Nhàn", "Thúy"]


def full_name(rng: random.Random, female: bool) -> str:
    surname = rng.choices([s for s, _w in SURNAMES], weights=[w for _s, w in SURNAMES])[0]
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{surname} {middle} {given}"
