using PhoneNumbers;

namespace Mamori.Discovery;

public sealed partial class PiiAnalyzer
{
    private const int MaxGroups = 12;
    private const int MaxDigits = 24;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// A numeric token: digit groups joined by single separators (- . / space parentheses), full-width
    /// forms folded. Long digit runs are consumed in one linear pass and never classified.
    /// </summary>
    private ref struct NumberToken
    {
        public int Count;
        public Span<int> GroupStart;
        public Span<int> GroupEnd;
        public Span<char> Sep; // separator before group k (k >= 1)
    }

    private int ScanNumber(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        Span<int> gs = stackalloc int[MaxGroups];
        Span<int> ge = stackalloc int[MaxGroups];
        Span<char> sep = stackalloc char[MaxGroups];
        var tok = new NumberToken { GroupStart = gs, GroupEnd = ge, Sep = sep };
        var j = i;
        var totalDigits = 0;
        while (true)
        {
            var s = j;
            while (j < n && Chars.IsDigit(t[j])) j++;
            totalDigits += j - s;
            gs[tok.Count] = s;
            ge[tok.Count] = j;
            tok.Count++;
            if (j >= n || tok.Count == MaxGroups) break;
            var c = Chars.Fold(t[j]);
            var skip = 0;
            char sc = c;
            if (c is '-' or '.' or '/' or ' ' or '_')
            {
                if (j + 1 < n && Chars.IsDigit(t[j + 1])) skip = 1;
                else if (c is '-' or '_' && j + 2 < n && Chars.Fold(t[j + 1]) == c && Chars.IsDigit(t[j + 2])) skip = 2;
                else if (c == ' ' && j + 2 < n && Chars.Fold(t[j + 1]) == '(' && Chars.IsDigit(t[j + 2])) { skip = 2; sc = '('; }
                else if (c == '-' && j + 2 < n && Chars.Fold(t[j + 1]) == ' ' && Chars.IsDigit(t[j + 2])) skip = 2;
            }
            else if (c is ')' or '(')
            {
                if (j + 1 < n && Chars.IsDigit(t[j + 1])) skip = 1;
                else if (j + 2 < n && Chars.Fold(t[j + 1]) is ' ' or '-' && Chars.IsDigit(t[j + 2])) skip = 2;
            }
            if (skip == 0) break;
            sep[tok.Count] = sc == '_' ? '-' : sc;
            j += skip;
        }
        var end = j;
        if (totalDigits > MaxDigits * 4) return end; // a long run of digits: nothing here identifies a person
        if (tok.Count == 1 && totalDigits <= 2 && end + 4 < n + 1 && end < n && t[end] == '-' && (i == 0 || !Chars.IsWordChar(t[i - 1])))
        {
            var me = MatchMonth(t, end + 1);
            if (me > 0) // 21-May, 5-May-2021
            {
                var de = me;
                if (de + 2 < n && t[de] == '-' && char.IsAsciiDigit(t[de + 1]) && char.IsAsciiDigit(t[de + 2]))
                {
                    var y = de + 1;
                    while (y < n && char.IsAsciiDigit(t[y]) && y - de <= 4) y++;
                    if (y - de - 1 is 2 or 4) de = y;
                }
                if (de >= n || !Chars.IsWordChar(t[de])) { AddDate(t, o, i, de, 0.45); return de; }
            }
        }
        if (tok.Count == 1 && totalDigits < 6 && (end >= n || t[end] != '年')) return end; // short numbers: nothing to classify
        if (totalDigits < 3) return end;

        var start = i;
        var prev = i > 0 ? Chars.Fold(t[i - 1]) : ' ';
        var plus = false;
        if (prev == '+') { plus = true; start = i - 1; prev = start > 0 ? Chars.Fold(t[start - 1]) : ' '; }
        else if (prev == '(' && tok.Count > 1 && sep[1] == ')') { start = i - 1; prev = start > 0 ? Chars.Fold(t[start - 1]) : ' '; }
        var next = end < n ? Chars.Fold(t[end]) : ' ';
        var leftGlued = Chars.IsAsciiLetter(prev) || prev == '_' || (uint)(prev - '0') <= 9;
        var isoT = next == 'T' && tok.Count == 3 && end + 1 < n && char.IsAsciiDigit(t[end + 1]);
        var rightGlued = (Chars.IsAsciiLetter(next) && !isoT) || next == '_';

        // IPv4 (dotted quad, optional CIDR suffix); '@' may follow ("192.168.2.1@eth0").
        if (tok.Count >= 4 && sep[1] == '.' && sep[2] == '.' && sep[3] == '.')
        {
            if (!leftGlued && TryIpv4(t, ref tok, out var ipEnd))
            {
                var after = ipEnd < n ? Chars.Fold(t[ipEnd]) : ' ';
                if (!(Chars.IsAsciiLetter(after) || after == '_'))
                    Add(o, EntityTypes.IpAddress, i, ipEnd, 0.6, "Ipv4Recognizer");
                return Math.Max(ipEnd, i + 1);
            }
            return end;
        }
        if (leftGlued || rightGlued || next == '@') return end;

        // Kanji dates: 1990年1月2日
        if (tok.Count == 1 && next == '年')
        {
            var de = ParseKanjiDate(t, i);
            if (de > 0)
            {
                AddDate(t, o, i, de, 0.45);
                return de;
            }
            return end;
        }

        // Numeric dates and ISO timestamps.
        if (tok.Count is 2 or 3 && !plus && start == i)
        {
            var sc = sep[1];
            var same = tok.Count == 2 || sep[2] == sc;
            if (same && sc is '/' or '-' or '.' && TryDate(t, ref tok, o, out var dateEnd)) return dateEnd;
        }

        // 03.1234.5678: Japanese phone numbers are also written with dots; nothing else of 10–11 digits is.
        if (tok.Count == 3 && sep[1] == '.' && sep[2] == '.' && !plus && Chars.DigitValue(t[i]) == 0 && totalDigits is 10 or 11
            && gs[1] - i <= 5 && TryNumber(t, ref tok, 0, 3, start, false, o)) return end;
        for (var k = 1; k < tok.Count; k++)
            if (sep[k] is '.' or '/') return end; // decimals, versions, paths: not an identifier

        if (TryNumber(t, ref tok, 0, tok.Count, start, plus, o)) return end;
        // Try space-separated sub-runs, longest first from each position ("4012888888881881 4012 8888 8888 1881").
        var a = 0;
        while (a < tok.Count)
        {
            var matched = false;
            for (var b = Math.Min(tok.Count, a + 6); b > a; b--)
            {
                if (a == 0 && b == tok.Count) continue;
                if (b < tok.Count && sep[b] != ' ') continue;
                if (a > 0 && sep[a] != ' ') break;
                if (TryNumber(t, ref tok, a, b, a == 0 ? start : gs[a], plus && a == 0, o)) { a = b; matched = true; break; }
            }
            if (!matched) a++;
        }
        return end;
    }

    private static readonly string[] Months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>End of an English month name or three-letter abbreviation at <paramref name="p"/>, or 0.</summary>
    internal static int MatchMonth(ReadOnlySpan<char> t, int p)
    {
        if (p + 3 > t.Length) return 0;
        foreach (var m in Months)
        {
            if (p + m.Length <= t.Length && t.Slice(p, m.Length).Equals(m, StringComparison.OrdinalIgnoreCase) &&
                (p + m.Length == t.Length || !char.IsAsciiLetter(t[p + m.Length]))) return p + m.Length;
            if (t.Slice(p, 3).Equals(m.AsSpan(0, 3), StringComparison.OrdinalIgnoreCase) && (p + 3 == t.Length || !char.IsAsciiLetter(t[p + 3]))) return p + 3;
        }
        return 0;
    }

    private static bool TryIpv4(ReadOnlySpan<char> t, ref NumberToken tok, out int end)
    {
        end = 0;
        for (var k = 0; k < 4; k++)
        {
            var len = tok.GroupEnd[k] - tok.GroupStart[k];
            if (len is < 1 or > 3) return false;
            if (ParseInt(t[tok.GroupStart[k]..tok.GroupEnd[k]]) > 255) return false;
        }
        end = tok.GroupEnd[3];
        if (tok.Count > 4 && tok.Sep[4] == '/')
        {
            var len = tok.GroupEnd[4] - tok.GroupStart[4];
            if (len <= 2 && ParseInt(t[tok.GroupStart[4]..tok.GroupEnd[4]]) <= 32) end = tok.GroupEnd[4];
        }
        return true;
    }

    private static int ParseInt(ReadOnlySpan<char> digits)
    {
        var v = 0;
        foreach (var c in digits)
        {
            v = v * 10 + Chars.DigitValue(c);
            if (v > 100_000_000) return int.MaxValue;
        }
        return v;
    }

    private bool TryDate(ReadOnlySpan<char> t, ref NumberToken tok, List<Finding> o, out int end)
    {
        end = 0;
        var ends = tok.GroupEnd;
        var starts = tok.GroupStart;
        var v0 = ParseInt(t[tok.GroupStart[0]..tok.GroupEnd[0]]);
        var v1 = ParseInt(t[tok.GroupStart[1]..tok.GroupEnd[1]]);
        var s = tok.GroupStart[0];
        if (tok.Count == 3)
        {
            var v2 = ParseInt(t[tok.GroupStart[2]..tok.GroupEnd[2]]);
            var ok = false;
            if ((ends[0] - starts[0]) == 4 && (ends[1] - starts[1]) <= 2 && (ends[2] - starts[2]) <= 2) ok = v0 is >= 1900 and <= 2100 && v1 is >= 1 and <= 12 && v2 is >= 1 and <= 31;
            else if ((ends[0] - starts[0]) <= 2 && (ends[1] - starts[1]) <= 2 && ((ends[2] - starts[2]) == 2 || (ends[2] - starts[2]) == 4))
                ok = v0 >= 1 && v1 >= 1 && ((v0 <= 12 && v1 <= 31) || (v0 <= 31 && v1 <= 12)) && ((ends[2] - starts[2]) == 2 || v2 is >= 1900 and <= 2100);
            if (!ok) return false;
            end = tok.GroupEnd[2];
            if ((ends[0] - starts[0]) == 4 && end + 1 < t.Length && t[end] == 'T' && Chars.IsDigit(t[end + 1])) end = IsoTime(t, end + 1);
            AddDate(t, o, s, end, 0.45);
            return true;
        }
        if (tok.Sep[1] != '/') return false;
        var two = ((ends[0] - starts[0]) <= 2 && (ends[1] - starts[1]) <= 2 && v0 is >= 1 and <= 12 && v1 is >= 1 and <= 31)
                  || ((ends[0] - starts[0]) <= 2 && (ends[1] - starts[1]) == 4 && v0 is >= 1 and <= 12 && v1 is >= 1900 and <= 2100);
        if (!two) return false;
        end = tok.GroupEnd[1];
        AddDate(t, o, s, end, 0.35);
        return true;
    }

    private static int IsoTime(ReadOnlySpan<char> t, int p)
    {
        var n = t.Length;
        while (p < n && (char.IsAsciiDigit(t[p]) || t[p] is ':' or '.')) p++;
        if (p < n && t[p] == 'Z') return p + 1;
        if (p + 5 < n + 0 && t[p] is '+' or '-' && char.IsAsciiDigit(t[p + 1]) && char.IsAsciiDigit(t[p + 2]))
        {
            var q = p + 3;
            if (q < n && t[q] == ':') q++;
            if (q + 1 < n && char.IsAsciiDigit(t[q]) && char.IsAsciiDigit(t[q + 1])) return q + 2;
        }
        while (p > 0 && t[p - 1] is ':' or '.') p--;
        return p;
    }

    private void AddDate(ReadOnlySpan<char> t, List<Finding> o, int s, int e, double baseScore)
    {
        // 昭和60年4月1日生 (résumé style): 生 right after the date.
        var word = ContextWord(t, s, e, JapaneseDictionary.BirthContext, 24, 4) ?? (e < t.Length && t[e] == '生' ? "生" : null);
        Add(o, EntityTypes.DateTime, s, e, word, 0.85, baseScore, word is null ? "DateRecognizer" : "DateOfBirthRecognizer");
    }

    /// <summary>Parses Y年M月D日 from <paramref name="p"/> (year digits or 元); returns the end or -1.</summary>
    private static int ParseKanjiDate(ReadOnlySpan<char> t, int p, bool era = false)
    {
        var n = t.Length;
        var q = p;
        if (era && q < n && t[q] == '元') q++;
        else
        {
            var ds = q;
            while (q < n && Chars.IsDigit(t[q]) && q - ds < 4) q++;
            var len = q - ds;
            if (len == 0 || (era && len > 2) || (!era && len != 4)) return -1;
        }
        q = SkipSpaces(t, q);
        if (q >= n || t[q] != '年') return -1;
        q = SkipSpaces(t, q + 1);
        var m = ReadSmall(t, ref q);
        q = SkipSpaces(t, q);
        if (m is < 1 or > 12 || q >= n || t[q] != '月') return -1;
        q = SkipSpaces(t, q + 1);
        var d = ReadSmall(t, ref q);
        q = SkipSpaces(t, q);
        if (d is < 1 or > 31 || q >= n || t[q] != '日') return -1;
        return q + 1;
    }

    private static int SkipSpaces(ReadOnlySpan<char> t, int q)
    {
        var lim = Math.Min(t.Length, q + 2);
        while (q < lim && Chars.IsSpace(t[q])) q++;
        return q;
    }

    private static int ReadSmall(ReadOnlySpan<char> t, ref int q)
    {
        var s = q;
        var v = 0;
        while (q < t.Length && Chars.IsDigit(t[q]) && q - s < 2) { v = v * 10 + Chars.DigitValue(t[q]); q++; }
        return q == s ? -1 : v;
    }

    private int ScanEra(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        if (i + 2 >= t.Length) return i + 1;
        var c1 = t[i + 1];
        var ok = (t[i], c1) is ('昭', '和') or ('平', '成') or ('令', '和') or ('大', '正') or ('明', '治');
        if (!ok) return i + 1;
        var e = ParseKanjiDate(t, SkipSpaces(t, i + 2), era: true);
        if (e < 0) return i + 1;
        AddDate(t, o, i, e, 0.45);
        return e;
    }

    private bool TryNumber(ReadOnlySpan<char> t, ref NumberToken tok, int ga, int gb, int start, bool plus, List<Finding> o)
    {
        Span<char> d = stackalloc char[MaxDigits];
        var nd = 0;
        for (var k = ga; k < gb; k++)
        {
            for (var p = tok.GroupStart[k]; p < tok.GroupEnd[k]; p++)
            {
                if (nd == MaxDigits) return false;
                d[nd++] = (char)('0' + Chars.DigitValue(t[p]));
            }
        }
        var digits = d[..nd];
        var end = tok.GroupEnd[gb - 1];
        var groups = gb - ga;
        var gEnds = tok.GroupEnd;
        var gStarts = tok.GroupStart;

        if (plus)
        {
            if (nd is >= 8 and <= 15 && IsPhone(digits, null, true))
            {
                Add(o, EntityTypes.PhoneNumber, start, end, ContextWord(t, start, end, JapaneseDictionary.PhoneContext), 0.95, 0.75, "PhoneRecognizer");
                return true;
            }
            return false;
        }
        if (nd < 6) return false;
        // Identifiers of 12+ digits are written in a few wide groups (1234 5678 9012, 5-8356-7825-6246); dumps such as
        // "00 11 22 33 44 55" or a number followed by "(32" are not.
        var wideGroups = groups <= 5;
        for (var k = ga; k < gb && wideGroups; k++)
        {
            if (k > ga && (gEnds[k] - gStarts[k] < 3 || tok.Sep[k] is '(' or ')')) wideGroups = false;
        }
        var bankCtx = nd is 6 or 7 or 8 or 13 && HasContext(t, start, end, JapaneseDictionary.BankContext);
        if (nd >= 12 && !wideGroups) return false;
        // Digit groups joined across spaces are an identifier only when grouped as cards and My Numbers are written
        // (4-4-4, 4-4-4-4, 4-6-5, 1-4-4-4); "GET /api/orders/100000372193 200" is an id and a status code.
        if (nd >= 12 && !SpacedLikeAnIdentifier(ref tok, ga, gb)) return false;
        // Order numbers, product codes and timestamps look like My Numbers, cards and corporate numbers.
        var notPersonal = nd >= 12 && IsNonPersonalId(t, start, end, digits);
        if (nd == 12)
        {
            if (Ctx(t, start, end, JapaneseDictionary.LicenseContext))
            {
                Add(o, EntityTypes.JpDriverLicense, start, end, 0.85, "JpDriverLicenseRecognizer");
                return true;
            }
            if (Checksums.IsValidMyNumber(digits))
            {
                Add(o, EntityTypes.JpMyNumber, start, end, ContextWord(t, start, end, JapaneseDictionary.MyNumberContext), 0.95, notPersonal ? NonPersonalScore : 0.65,
                    "JpMyNumberRecognizer");
                return true;
            }
            return false;
        }
        if (nd == 13 && groups == 2 && (gEnds[ga + 0] - gStarts[ga + 0]) == 5 && (gEnds[ga + 1] - gStarts[ga + 1]) == 8 && bankCtx)
        {
            Add(o, EntityTypes.JpBankAccount, start, end, 0.8, "JpBankAccountRecognizer");
            return true;
        }
        if (nd is >= 13 and <= 19)
        {
            var card = Checksums.IsValidCard(digits);
            var corp = nd == 13 && Checksums.IsValidCorporateNumber(digits);
            var cardWord = card ? ContextWord(t, start, end, JapaneseDictionary.CardContext) : null;
            var corpWord = corp ? ContextWord(t, start, end, JapaneseDictionary.CorporateContext) : null;
            if (corp && (corpWord is not null || cardWord is null))
            {
                Add(o, EntityTypes.JpCorporateNumber, start, end, corpWord, 0.95, notPersonal ? NonPersonalScore : card ? 0.5 : 0.6, "JpCorporateNumberRecognizer");
                return true;
            }
            if (card)
            {
                Add(o, EntityTypes.CreditCard, start, end, cardWord, 1.0, notPersonal ? NonPersonalScore : nd == 13 ? 0.5 : 0.85, "CreditCardRecognizer");
                return true;
            }
            return false;
        }
        if (start >= 5 && t[(start - 5)..start].Contains("ISBN", StringComparison.OrdinalIgnoreCase)) return false;
        if (digits[0] == '0' && nd is 10 or 11 && IsPhone(digits, "JP", false))
        {
            Add(o, EntityTypes.PhoneNumber, start, end, ContextWord(t, start, end, JapaneseDictionary.PhoneContext), 0.95, 0.7, "JpPhoneRecognizer");
            return true;
        }
        if (otherPhoneRegions.Length > 0 && nd is >= 7 and <= 12)
        {
            foreach (var region in otherPhoneRegions)
            {
                if (IsPhone(digits, region, false))
                {
                    Add(o, EntityTypes.PhoneNumber, start, end, ContextWord(t, start, end, JapaneseDictionary.PhoneContext), 0.9, 0.6, "PhoneRecognizer");
                    return true;
                }
            }
        }
        if (nd == 7)
        {
            var hyphenated = groups == 2 && (gEnds[ga + 0] - gStarts[ga + 0]) == 3 && (gEnds[ga + 1] - gStarts[ga + 1]) == 4 && tok.Sep[ga + 1] == '-';
            var postalCtx = Ctx(t, start, end, JapaneseDictionary.PostalContext, 12);
            if (postalCtx && (hyphenated || groups == 1))
            {
                Add(o, EntityTypes.JpPostalCode, start, end, 0.9, "JpPostalCodeRecognizer");
                return true;
            }
            if (bankCtx && groups == 1)
            {
                Add(o, EntityTypes.JpBankAccount, start, end, 0.75, "JpBankAccountRecognizer");
                return true;
            }
            if (hyphenated)
            {
                Add(o, EntityTypes.JpPostalCode, start, end, 0.4, "JpPostalCodeRecognizer");
                return true;
            }
            return false;
        }
        // 19850401: a date of birth only after a birth label (生年月日 19850401); bare, eight digits are too often ids.
        if (nd == 8 && groups == 1 && IsYmd(digits) && HasContext(t, start, end, JapaneseDictionary.BirthContext, 24, 0))
        {
            Add(o, EntityTypes.DateTime, start, end, 0.85, "DateOfBirthRecognizer");
            return true;
        }
        if (nd is 6 or 8 && groups == 1 && bankCtx)
        {
            Add(o, EntityTypes.JpBankAccount, start, end, 0.7, "JpBankAccountRecognizer");
            return true;
        }
        return false;
    }

    private static bool Ctx(ReadOnlySpan<char> t, int s, int e, string[] words, int before = 40) => HasContext(t, s, e, words, before);

    private static bool IsYmd(ReadOnlySpan<char> d)
    {
        var y = ParseInt(d[..4]);
        var m = ParseInt(d[4..6]);
        var day = ParseInt(d[6..]);
        return y is >= 1900 and <= 2100 && m is >= 1 and <= 12 && day is >= 1 and <= 31;
    }

    /// <summary>
    /// At M/T/S/H/R followed by a digit: a date with an abbreviated era (S60.4.1, H2/3/4, R5-1-1), as written in
    /// forms after 生年月日. Same scores as other numeric dates (0.45; 0.85 near a birth word).
    /// </summary>
    private int ScanEraAbbreviation(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        var q = i + 1;
        var y = ReadSmall(t, ref q);
        if (y < 1 || q >= n || Chars.Fold(t[q]) is not ('.' or '/' or '-') ) return 0;
        var sep = Chars.Fold(t[q]);
        q++;
        var m = ReadSmall(t, ref q);
        if (m is < 1 or > 12 || q >= n || Chars.Fold(t[q]) != sep) return 0;
        q++;
        var d = ReadSmall(t, ref q);
        if (d is < 1 or > 31 || (q < n && (Chars.IsWordChar(t[q]) || (Chars.Fold(t[q]) is '.' or '/' or '-' && q + 1 < n && Chars.IsDigit(t[q + 1]))))) return 0;
        var maxYear = t[i] switch { 'M' => 45, 'T' => 15, 'S' => 64, 'H' => 31, _ => 99 };
        if (y > maxYear) return 0;
        AddDate(t, o, i, q, 0.45);
        return q;
    }

    /// <summary>Below the CLI's default threshold (0.5): kept for a threshold-0 analysis, not reported by default.</summary>
    private const double NonPersonalScore = 0.3;

    private static bool SpacedLikeAnIdentifier(ref NumberToken tok, int ga, int gb)
    {
        var spaced = false;
        for (var k = ga + 1; k < gb; k++) if (tok.Sep[k] == ' ') spaced = true;
        if (!spaced) return true;
        Span<int> len = stackalloc int[gb - ga];
        for (var k = ga; k < gb; k++) len[k - ga] = tok.GroupEnd[k] - tok.GroupStart[k];
        var fours = true;
        for (var k = 0; k < len.Length - 1; k++) if (len[k] != 4) fours = false;
        if (fours && len[^1] is >= 1 and <= 4) return true; // 4-4-4, 4-4-4-4, 4-4-4-4-3
        if (len.Length == 3 && len[0] == 4 && len[1] == 6 && len[2] is 4 or 5) return true; // Diners, Amex
        return len.Length == 4 && len[0] == 1 && len[1] == 4 && len[2] == 4 && len[3] == 4; // 法人番号 8 7001 1000 5901
    }

    /// <summary>
    /// A number that a nearby word marks as an order, shipment or product number (注文番号, 伝票, JAN, order,
    /// tracking), a JAN product code, or an epoch-millisecond timestamp after a time key ("ts":1733616007919).
    /// </summary>
    private static bool IsNonPersonalId(ReadOnlySpan<char> t, int start, int end, ReadOnlySpan<char> digits)
    {
        if (Checksums.IsJapaneseJan(digits)) return true;
        if (HasWord(t, start, end, JapaneseDictionary.NonPersonalIdContext, 40, 12)) return true;
        // 1,000,000,000,000 ms is 2001-09-09; 2,100,000,000,000 ms is 2036.
        return digits.Length == 13 && (digits[0] == '1' || (digits[0] == '2' && digits[1] is '0'))
            && HasWord(t, start, end, JapaneseDictionary.TimestampContext, 24, 0);
    }

    /// <summary>
    /// Like <see cref="HasContext"/>, but an ASCII word must stand alone (not inside a longer word: "border" is not
    /// "order"); an all-capital ASCII word matches only in capitals (JAN, not Jan).
    /// </summary>
    internal static bool HasWord(ReadOnlySpan<char> t, int start, int end, string[] words, int before, int after)
    {
        var b = Math.Max(0, start - before);
        var a = Math.Min(t.Length, end + after);
        foreach (var w in words)
        {
            if (w[0] >= 0x80)
            {
                if (t[b..start].IndexOf(w, StringComparison.Ordinal) >= 0 || t[end..a].IndexOf(w, StringComparison.Ordinal) >= 0) return true;
                continue;
            }
            var cmp = w.AsSpan().ContainsAny("abcdefghijklmnopqrstuvwxyz") ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (HasStandaloneWord(t, b, start, w, cmp) || HasStandaloneWord(t, end, a, w, cmp)) return true;
        }
        return false;
    }

    private static bool HasStandaloneWord(ReadOnlySpan<char> t, int from, int to, string w, StringComparison cmp)
    {
        var p = from;
        while (p < to)
        {
            var k = t[p..to].IndexOf(w, cmp);
            if (k < 0) return false;
            var s = p + k;
            var e = s + w.Length;
            if ((s == 0 || !Chars.IsAsciiLetter(t[s - 1])) && (e >= t.Length || !Chars.IsAsciiLetter(t[e]))) return true;
            p = s + 1;
        }
        return false;
    }

    private static bool IsPhone(ReadOnlySpan<char> digits, string? region, bool international)
    {
        try
        {
            var text = international ? "+" + digits.ToString() : digits.ToString();
            var number = Phones.Parse(text, region ?? "ZZ");
            return region is null ? Phones.IsValidNumber(number) : Phones.IsValidNumberForRegion(number, region);
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    private int ScanPostalMark(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        var p = SkipSpaces(t, i + 1);
        var s = p;
        var q = p;
        while (q < n && Chars.IsDigit(t[q]) && q - s < 8) q++;
        if (q - s == 3 && q + 4 < n + 1 && q < n && Chars.Fold(t[q]) == '-')
        {
            var r = q + 1;
            while (r < n && Chars.IsDigit(t[r]) && r - q <= 5) r++;
            if (r - q - 1 == 4 && (r >= n || !Chars.IsDigit(t[r])))
            {
                Add(o, EntityTypes.JpPostalCode, s, r, 0.95, "JpPostalCodeRecognizer");
                return r;
            }
        }
        else if (q - s == 7 && (q >= n || !Chars.IsDigit(t[q])))
        {
            Add(o, EntityTypes.JpPostalCode, s, q, 0.95, "JpPostalCodeRecognizer");
            return q;
        }
        return i + 1;
    }
}
