using System.Net;
using System.Net.Sockets;

namespace Mamori.Discovery;

public sealed partial class PiiAnalyzer
{
    private static readonly HashSet<string> CommonTlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "info", "biz", "edu", "gov", "mil", "int", "site", "online", "xyz", "top", "app", "dev", "io", "ai",
        "tech", "shop", "store", "blog", "cloud", "jobs", "name", "pro", "mobi", "asia", "tokyo", "osaka", "nagoya", "yokohama",
        "kyoto", "jp", "uk", "de", "fr", "cn", "kr", "tw", "hk", "sg", "us", "ca", "au", "nz", "in", "il", "br", "ru", "it", "es",
        "nl", "se", "no", "fi", "dk", "ch", "at", "be", "pl", "cz", "eu", "co", "me", "tv", "id", "th", "vn", "ph", "my", "mx", "ar",
    };

    /// <summary>
    /// File extensions that are not top-level domains. Presidio checks an e-mail's domain against the public
    /// suffix list (tldextract); rejecting these keeps asset names such as logo@2x.png and pkg@1.2.3.tgz out
    /// without shipping that list. Extensions that are also real TLDs (.zip, .mov, .md, .py, .sh, .pl) stay valid.
    /// </summary>
    private static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "ico", "tif", "tiff", "heic", "avif", "psd", "txt", "log", "csv", "tsv",
        "json", "xml", "yml", "yaml", "toml", "ini", "cfg", "conf", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "rtf",
        "tgz", "gz", "tar", "bz", "xz", "rar", "jar", "war", "whl", "gem", "nupkg", "deb", "rpm", "exe", "dll", "dylib", "iso",
        "dmg", "apk", "ipa", "js", "mjs", "cjs", "ts", "tsx", "jsx", "css", "scss", "less", "html", "htm", "php", "java", "kt",
        "cpp", "hpp", "wav", "avi", "mkv", "flac", "ogg", "webm", "woff", "ttf", "otf", "eot", "bak", "tmp", "swp", "lock",
        "dat", "bin", "obj", "class", "pyc", "map",
    };

    private static bool IsEmailLocal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' or '\'';
    private static bool IsDomainChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.';

    private int ScanEmail(ReadOnlySpan<char> t, int at, List<Finding> o)
    {
        var n = t.Length;
        var s = at;
        while (s > 0 && at - s < 64 && IsEmailLocal(Chars.Fold(t[s - 1]))) s--;
        while (s < at && Chars.Fold(t[s]) == '.') s++;
        if (s == at) return at + 1;
        var e = at + 1;
        while (e < n && e - at <= 253 && IsDomainChar(Chars.Fold(t[e]))) e++;
        while (e > at + 1 && Chars.Fold(t[e - 1]) is '.' or '-') e--;
        if (!ValidDomain(t[(at + 1)..e], requireKnownTld: false) || IsFileExtension(t[(at + 1)..e])) return at + 1;
        Add(o, EntityTypes.EmailAddress, s, e, 1.0, "EmailRecognizer");
        return e;
    }

    private static bool IsFileExtension(ReadOnlySpan<char> domain)
    {
        var tld = domain[(domain.LastIndexOfAny('.', '．') + 1)..];
        Span<char> buf = stackalloc char[Math.Min(tld.Length, 16)];
        if (tld.Length > buf.Length) return false;
        for (var k = 0; k < tld.Length; k++) buf[k] = Chars.Fold(tld[k]);
        return FileExtensions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(buf);
    }

    /// <summary>Labels of letters, digits and hyphens, at least two, the last alphabetic (or punycode) of 2+ characters.</summary>
    private static bool ValidDomain(ReadOnlySpan<char> d, bool requireKnownTld)
    {
        if (d.Length < 4) return false;
        var lastDot = -1;
        var labelStart = 0;
        var labels = 0;
        for (var k = 0; k <= d.Length; k++)
        {
            if (k == d.Length || Chars.Fold(d[k]) == '.')
            {
                var len = k - labelStart;
                if (len == 0 || len > 63) return false;
                if (Chars.Fold(d[labelStart]) == '-' || Chars.Fold(d[k - 1]) == '-') return false;
                labels++;
                if (k < d.Length) lastDot = k;
                labelStart = k + 1;
            }
        }
        if (labels < 2 || lastDot < 0) return false;
        var tld = d[(lastDot + 1)..];
        if (tld.Length < 2) return false;
        if (tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var c in tld) if (!Chars.IsAsciiLetter(Chars.Fold(c))) return false;
        if (!requireKnownTld) return true;
        Span<char> buf = stackalloc char[tld.Length];
        for (var k = 0; k < tld.Length; k++) buf[k] = Chars.Fold(tld[k]);
        return CommonTlds.GetAlternateLookup<ReadOnlySpan<char>>().Contains(buf);
    }

    private int ScanColon(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        if (i + 2 < n && t[i + 1] == '/' && t[i + 2] == '/')
        {
            var s = i;
            while (s > 0 && i - s < 10 && char.IsAsciiLetter(t[s - 1])) s--;
            var scheme = t[s..i];
            if (scheme.Length >= 2 && (s == 0 || !char.IsAsciiLetterOrDigit(t[s - 1])) &&
                (scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ||
                 scheme.Equals("ftp", StringComparison.OrdinalIgnoreCase) || scheme.Equals("ftps", StringComparison.OrdinalIgnoreCase) ||
                 scheme.Equals("ws", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase) ||
                 scheme.Equals("sftp", StringComparison.OrdinalIgnoreCase)))
                return ScanUrl(t, s, i + 3, o, hasScheme: true);
            return i + 1;
        }
        return ScanIpv6(t, i, o);
    }

    private static bool IsUrlChar(char c) => c > ' ' && c < 0x7F && c is not ('"' or '<' or '>' or '`' or '{' or '}' or '|' or '\\' or '^');

    /// <summary>Scans a URL whose host starts at <paramref name="hostStart"/>.</summary>
    private int ScanUrl(ReadOnlySpan<char> t, int s, int hostStart, List<Finding> o, bool hasScheme)
    {
        var n = t.Length;
        var h = hostStart;
        var at = -1;
        while (h < n && h - hostStart < 256 && IsUrlChar(t[h]) && t[h] is not ('/' or '?' or '#')) { if (t[h] == '@') at = h; h++; }
        var hostFrom = at >= 0 ? at + 1 : hostStart;
        var hostTo = hostFrom;
        while (hostTo < h && t[hostTo] != ':') hostTo++;
        var host = t[hostFrom..hostTo];
        var isIp = host.Length > 0 && char.IsAsciiDigit(host[0]) && IPAddress.TryParse(host, out _);
        if (!isIp && !ValidDomain(host, requireKnownTld: !hasScheme)) return hostStart + 1;
        var e = h;
        while (e < n && e - s < 4096 && IsUrlChar(t[e])) e++;
        while (e > h && t[e - 1] is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or ')' or ']')
        {
            if (t[e - 1] == ')' && t[s..e].Contains('(')) break;
            e--;
        }
        var personal = at >= 0 || HasPersonalQuery(t[h..e]);
        var score = personal ? 0.85 : hasScheme ? 0.5 : 0.4;
        Add(o, EntityTypes.Url, s, e, score, personal ? "UrlPersonalDataRecognizer" : "UrlRecognizer");
        return e;
    }

    private static bool HasPersonalQuery(ReadOnlySpan<char> rest)
    {
        var q = rest.IndexOfAny('?', '#');
        if (q < 0) return false;
        var query = rest[(q + 1)..];
        while (!query.IsEmpty)
        {
            var amp = query.IndexOf('&');
            var pair = amp < 0 ? query : query[..amp];
            var eq = pair.IndexOf('=');
            if (eq > 0 && eq < pair.Length - 1)
            {
                var key = pair[..eq];
                foreach (var p in JapaneseDictionary.PersonalQueryParams)
                    if (key.Equals(p, StringComparison.OrdinalIgnoreCase)) return true;
                var value = pair[(eq + 1)..];
                if (value.Contains('@') || value.Contains("%40", StringComparison.Ordinal)) return true;
            }
            if (amp < 0) break;
            query = query[(amp + 1)..];
        }
        return false;
    }

    private int ScanDot(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        if (i == 0 || i + 2 >= n || !char.IsAsciiLetterOrDigit(t[i - 1]) || !char.IsAsciiLetter(t[i + 1])) return i + 1;
        var s = i;
        while (s > 0 && i - s < 128 && IsDomainChar(t[s - 1])) s--;
        if (s > 0 && (t[s - 1] is '@' or '/' or ':' or '\\' or '_' || char.IsAsciiLetterOrDigit(t[s - 1]))) return i + 1;
        while (s < i && t[s] is '.' or '-') s++;
        var e = i + 1;
        while (e < n && e - i < 128 && IsDomainChar(t[e])) e++;
        while (e > i + 1 && t[e - 1] is '.' or '-') e--;
        if (e < n && (t[e] is '@' or '_' || char.IsAsciiLetterOrDigit(t[e]))) return e;
        if (!ValidDomain(t[s..e], requireKnownTld: true)) return e;
        return ScanUrl(t, s, s, o, hasScheme: false);
    }

    private int ScanIpv6(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        var s = i;
        while (s > 0 && i - s < 45 && (char.IsAsciiHexDigit(t[s - 1]) || t[s - 1] is ':' or '.')) s--;
        if (s > 0 && (char.IsAsciiLetterOrDigit(t[s - 1]) || t[s - 1] == '_')) return i + 1;
        var e = i + 1;
        while (e < n && e - s < 46 && (char.IsAsciiHexDigit(t[e]) || t[e] is ':' or '.')) e++;
        while (e > i + 1 && t[e - 1] == '.') e--;
        if (e < n && (char.IsAsciiLetterOrDigit(t[e]) || t[e] == '_')) return i + 1;
        var cand = t[s..e];
        var colons = cand.Count(':');
        if (colons < 2) return i + 1;
        var end = e;
        if (end < n && t[end] == '%')
        {
            var z = end + 1;
            while (z < n && z - end < 16 && char.IsAsciiLetterOrDigit(t[z])) z++;
            if (z > end + 1) end = z;
        }
        if (!IPAddress.TryParse(t[s..end], out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return i + 1;
        if (!cand.StartsWith("::") && cand.IndexOfAny(':', '.') < 1) return i + 1;
        if (end < n && t[end] == '/')
        {
            var z = end + 1;
            while (z < n && z - end <= 4 && char.IsAsciiDigit(t[z])) z++;
            if (z > end + 1 && z - end <= 4 && int.Parse(t[(end + 1)..z]) <= 128 && (z >= n || !char.IsAsciiDigit(t[z]))) end = z;
        }
        Add(o, EntityTypes.IpAddress, s, end, 0.6, "Ipv6Recognizer");
        return end;
    }

    /// <summary>Uppercase ASCII at a word start: passport numbers (TK1234567), English titles with names.</summary>
    private int ScanUpper(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        var n = t.Length;
        if (i > 0 && Chars.IsWordChar(t[i - 1])) return SkipWord(t, i);
        // Passport: two letters and seven digits.
        if (i + 8 < n + 0 && char.IsAsciiLetterUpper(t[i + 1]))
        {
            var k = i + 2;
            while (k < n && k - i < 10 && char.IsAsciiDigit(t[k])) k++;
            if (k - i == 9 && (k >= n || !Chars.IsWordChar(t[k])))
            {
                Add(o, EntityTypes.JpPassport, i, k, ContextWord(t, i, k, JapaneseDictionary.PassportContext), 0.85, 0.4, "JpPassportRecognizer");
                return k;
            }
        }
        if (t[i] is 'M' or 'T' or 'S' or 'H' or 'R' && i + 1 < n && char.IsAsciiDigit(t[i + 1]) && ScanEraAbbreviation(t, i, o) is var era and > 0) return era;
        if (t[i] == 'H' && t[i..].StartsWith("HIV") && (i + 3 >= n || !Chars.IsWordChar(t[i + 3])))
        {
            Add(o, EntityTypes.SpecialCare, i, i + 3, 0.5, "SpecialCareRecognizer");
            return i + 3;
        }
        var me = MatchMonth(t, i);
        if (me > 0 && me + 2 < n)
        {
            // May-21, May-2021, Jan 5 2013, January 5, 2013
            var q = me;
            if (t[q] == '-' && char.IsAsciiDigit(t[q + 1]))
            {
                var y = q + 1;
                while (y < n && char.IsAsciiDigit(t[y]) && y - q <= 4) y++;
                if (y - q - 1 is 2 or 4 && (y >= n || !Chars.IsWordChar(t[y]))) { AddDate(t, o, i, y, 0.45); return y; }
            }
            else if (t[q] == ' ' && char.IsAsciiDigit(t[q + 1]))
            {
                var d = q + 1;
                while (d < n && char.IsAsciiDigit(t[d]) && d - q <= 2) d++;
                var y = d;
                if (y < n && t[y] == ',') y++;
                if (y < n && t[y] == ' ') y++;
                var ys = y;
                while (y < n && char.IsAsciiDigit(t[y]) && y - ys < 4) y++;
                if (d - q - 1 is 1 or 2 && y - ys == 4 && (y >= n || !Chars.IsWordChar(t[y]))) { AddDate(t, o, i, y, 0.45); return y; }
            }
        }
        if (t[i] == 'M' || t[i] == 'D' || t[i] == 'N') return ScanEnglishName(t, i, o);
        return SkipWord(t, i);
    }

    private static int SkipWord(ReadOnlySpan<char> t, int i)
    {
        var k = i + 1;
        while (k < t.Length && char.IsAsciiLetter(t[k])) k++;
        return k;
    }

    private static readonly string[] EnglishTitles = ["Mr. ", "Mrs. ", "Ms. ", "Dr. ", "Mr ", "Mrs ", "Ms ", "Name: ", "Name : "];

    private static int ScanEnglishName(ReadOnlySpan<char> t, int i, List<Finding> o)
    {
        foreach (var title in EnglishTitles)
        {
            if (!t[i..].StartsWith(title, StringComparison.Ordinal)) continue;
            var p = i + title.Length;
            var e = p;
            var words = 0;
            while (words < 3 && e < t.Length && char.IsAsciiLetterUpper(t[e]))
            {
                var w = e + 1;
                while (w < t.Length && (char.IsAsciiLetterLower(t[w]) || t[w] == '\'' || t[w] == '-')) w++;
                if (w - e < 2) break;
                words++;
                e = w;
                if (e + 1 < t.Length && t[e] == ' ' && char.IsAsciiLetterUpper(t[e + 1])) e++;
                else break;
            }
            while (e > p && t[e - 1] == ' ') e--;
            if (words == 0) return SkipWord(t, i);
            Add(o, EntityTypes.Person, p, e, title.StartsWith("Name") ? 0.7 : 0.6, "EnglishTitleNameRecognizer");
            return e;
        }
        return SkipWord(t, i);
    }
}
