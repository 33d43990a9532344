#!/usr/bin/env python3
"""Seeded generator of mixed Japanese/English log and CSV lines with personal data (all synthetic)."""
import random, sys

out, size = sys.argv[1], int(sys.argv[2])
r = random.Random(20261123)
fam = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "松本", "井上", "木村"]
giv = ["太郎", "花子", "一郎", "美咲", "翔太", "陽菜", "健", "さくら", "大輔", "由美"]
en = ["John Smith", "Mary Jones", "Akira Sato", "Emma Brown"]
pref = ["東京都千代田区千代田", "大阪府大阪市北区梅田", "神奈川県横浜市中区山下町", "北海道札幌市中央区北一条西", "福岡県福岡市博多区博多駅前"]

def mynumber():
    b = [r.randint(0, 9) for _ in range(11)]
    s = sum(b[10 - (n - 1)] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    c = 0 if s % 11 <= 1 else 11 - s % 11
    return "".join(map(str, b)) + str(c)

def card():
    d = [4] + [r.randint(0, 9) for _ in range(14)]
    t = 0
    for i, x in enumerate(reversed(d)):
        x = x * 2 if i % 2 == 0 else x
        t += x - 9 if x > 9 else x
    return "".join(map(str, d)) + str((10 - t % 10) % 10)

def phone():
    return f"0{r.choice(['90','80','70'])}-{r.randint(1000,9999)}-{r.randint(1000,9999)}"

lines = [
    lambda: f"{r.randint(1,99999)},{r.choice(fam)}{r.choice(giv)},{phone()},user{r.randint(1,9999)}@example.co.jp,〒{r.randint(100,999)}-{r.randint(1000,9999)},{r.choice(pref)}{r.randint(1,9)}-{r.randint(1,20)}-{r.randint(1,30)}",
    lambda: f"2026-11-23T10:{r.randint(10,59)}:00Z INFO login ok user={r.choice(fam)}様 ip=192.168.{r.randint(0,255)}.{r.randint(1,254)} session={r.getrandbits(64):016x}",
    lambda: f"{{\"id\":{r.randint(1,10**6)},\"name\":\"{r.choice(en)}\",\"email\":\"u{r.randint(1,10**5)}@example.com\",\"note\":\"Order shipped to customer, tracking 1Z{r.randint(10**9,10**10)}\"}}",
    lambda: f"お問い合わせ：マイナンバー {mynumber()} の件、{r.choice(fam)}さんより電話 {phone()} がありました。カード {card()} は停止済み。",
    lambda: "The quick brown fox jumps over the lazy dog; 本日は晴天なり。処理件数 " + str(r.randint(1, 10**6)) + " 件、エラー 0 件。",
]
written = 0
with open(out, "w", encoding="utf-8") as f:
    while written < size:
        line = r.choice(lines)() + "\n"
        f.write(line)
        written += len(line.encode("utf-8"))
print(f"generated {written} bytes -> {out}")
