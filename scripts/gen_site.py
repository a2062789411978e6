#!/usr/bin/env python3
"""Generate a synthetic niemyet site of N procedures for benchmarks.

A province as it is since 2025: one provincial centre and 99 commune counters, 20 fields;
about 150 procedures at commune level (every commune posts them), the rest provincial.
Realistic sizes: 4-8 steps, 3-8 documents, 1-3 channels, 2-4 legal-basis entries, a Markdown
paragraph or two. Deterministic for a given N (seeded).

usage: scripts/gen_site.py N OUT_DIR   (writes OUT_DIR/content/...)
"""
import os
import random
import sys

VERBS = ["Đăng ký", "Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Xác nhận", "Thẩm định", "Công nhận",
         "Chuyển đổi", "Thu hồi", "Phê duyệt", "Hỗ trợ", "Giải quyết", "Đổi", "Thông báo"]
OBJECTS = ["giấy phép kinh doanh", "giấy chứng nhận quyền sử dụng đất", "hộ kinh doanh", "khai sinh",
           "kết hôn", "giấy phép xây dựng", "trợ cấp xã hội", "chế độ người có công", "hợp đồng lao động",
           "bản sao từ bản chính", "chữ ký", "tình trạng hôn nhân", "cơ sở giáo dục", "hoạt động tôn giáo",
           "lễ hội truyền thống", "phương án sản xuất", "hồ sơ môi trường", "thửa đất", "nhà ở riêng lẻ",
           "giấy phép lái xe", "chứng chỉ hành nghề", "quỹ đất công ích", "trang trại", "giống cây trồng"]
QUALIFIERS = ["", "lần đầu", "cho tổ chức", "cho cá nhân", "có yếu tố nước ngoài", "trong trường hợp bị mất",
              "đối với hộ gia đình", "tại cấp xã", "theo yêu cầu", "do thay đổi thông tin"]
WORDS = ("hồ sơ tiếp nhận giải quyết cơ quan thẩm quyền người dân tổ chức cá nhân thời hạn quy định "
         "văn bản giấy tờ kết quả trả lời thông báo bổ sung hoàn thiện xem xét kiểm tra xác minh").split()


def para(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def main():
    n = int(sys.argv[1])
    out = os.path.join(sys.argv[2], "content")
    rng = random.Random(n)
    os.makedirs(os.path.join(out, "procedures"), exist_ok=True)
    os.makedirs(os.path.join(out, "forms"), exist_ok=True)
    os.makedirs(os.path.join(out, "pages"), exist_ok=True)
    with open(os.path.join(out, "site.yaml"), "w") as f:
        f.write("title: Thủ tục hành chính tỉnh Thử nghiệm\nauthority: Ủy ban nhân dân tỉnh Thử nghiệm\n"
                "language: vi\nbase_url: https://thutuc.example.vn/\n"
                "contact: {address: Số 1 đường Trung tâm, phone: \"0299 3000 000\", email: a@example.vn, hours: 7:00–17:00}\n"
                "feedback: {agency: Văn phòng UBND tỉnh, address: Số 1 đường Trung tâm, phone: \"0299 3000 001\", "
                "email: phananh@example.vn, url: \"https://phananh.example.vn/\"}\n"
                "levels:\n  - {id: province, name: Cấp tỉnh}\n  - {id: commune, name: Cấp xã}\n")
    with open(os.path.join(out, "fields.yaml"), "w") as f:
        for i in range(20):
            f.write(f"- {{id: linh-vuc-{i:02}, name: Lĩnh vực số {i + 1}, description: Mô tả lĩnh vực {i + 1}.}}\n")
    with open(os.path.join(out, "units.yaml"), "w") as f:
        f.write("- {id: trung-tam, name: Trung tâm Phục vụ hành chính công tỉnh, level: province, "
                "address: Số 1 đường Trung tâm, phone: \"0299 3000 000\", hours: 7:00–17:00}\n")
        for i in range(99):
            f.write(f"- {{id: xa-{i:02}, name: Bộ phận một cửa xã số {i + 1}, level: commune, parent: trung-tam, "
                    f"address: Ấp {i % 7 + 1} xã số {i + 1}, hours: 7:00–11:00 và 13:00–17:00}}\n")
    for i in range(5):
        with open(os.path.join(out, "forms", f"mau-{i}.pdf"), "wb") as f:
            f.write(b"%PDF-1.4\n% form " + str(i).encode() + b"\n%%EOF\n")
    with open(os.path.join(out, "pages", "huong-dan.md"), "w") as f:
        f.write("---\ntitle: Hướng dẫn\norder: 1\n---\n" + para(rng, 60) + "\n")
    methods = ["in_person", "online", "postal"]
    durations = ["same day", "3 working days", "5 ngày làm việc", "15 ngày", "20 working days", "trong ngày", "4 giờ"]
    for i in range(n):
        field = f"linh-vuc-{i % 20:02}"
        level = "commune" if i < 150 else "province"
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}".strip() + f" (mẫu {i})"
        lines = [f'code: "9.{i:06}"', f"title: {title}", f"field: {field}", f"level: {level}",
                 "audience: [citizen, organization]", f"keywords: [{rng.choice(OBJECTS)}]",
                 "summary: |", "  " + para(rng, 40), "", "  " + para(rng, 30), "steps:"]
        for s in range(rng.randint(4, 8)):
            lines.append(f'  - "**Bước {s + 1}:** {para(rng, 25)}"')
        lines.append("channels:")
        for m in rng.sample(methods, rng.randint(1, 3)):
            lines += [f"  - method: {m}", f"    duration: {rng.choice(durations)}", "    fees:"]
            lines.append(f"      - {{name: Lệ phí, amount: {rng.choice([0, 8000, 20000, 50000, 100000])}, per: hồ sơ}}")
        lines.append("documents:")
        for d in range(rng.randint(3, 8)):
            form = f", form: forms/mau-{d % 5}.pdf" if d == 0 else ""
            lines.append(f"  - {{name: Giấy tờ số {d + 1} {rng.choice(OBJECTS)}, originals: 1, copies: {rng.randint(0, 2)}{form}}}")
        lines += ["requirements: " + para(rng, 20), f"result: {rng.choice(OBJECTS).capitalize()}",
                  "agency: Ủy ban nhân dân", "legal_basis:"]
        for b in range(rng.randint(2, 4)):
            lines.append(f"  - {{number: {b + 10}/2019/NĐ-CP, title: Nghị định số {b + 10}, issued: 2019-0{b + 1}-15, issuer: Chính phủ}}")
        lines += ["online: {level: partial, url: \"https://dichvucong.example.vn/\"}", "updated: 2026-06-15"]
        d = os.path.join(out, "procedures", field)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"p{i:06}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
