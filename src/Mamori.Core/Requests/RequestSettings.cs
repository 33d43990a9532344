using Mamori.Errors;

namespace Mamori.Requests;

/// <summary>
/// Configurable figures of request handling, section <c>Mamori:Requests</c>. Defaults follow appi.md §3
/// (<c>requestResponseDays</c> = 14, Art.39 two weeks).
/// </summary>
public sealed class RequestSettings
{
    public const string Section = "Mamori:Requests";

    /// <summary>Answer period in days after the day of arrival (Civil Code Art.140: the first day is not counted).</summary>
    public int ResponseDays { get; set; } = 14;

    /// <summary>A request is "due soon" from this many days before its due date.</summary>
    public int DueSoonDays { get; set; } = 3;

    /// <summary>Largest accepted upload (identity documents).</summary>
    public long MaxUploadBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Uploads and answer files are destroyed this many days after the request closed.</summary>
    public int FileRetentionDays { get; set; } = 90;

    /// <summary>
    /// Where a fee is paid, as the person should copy it (bank, branch, account type and number, holder), in Japanese; the
    /// invoice message and the status page show it with the request's reference. Unset, they say the account follows
    /// separately, and staff must send it themselves.
    /// </summary>
    public string? PaymentAccount { get; set; }

    /// <summary>The same in English for requests answered in English; unset, the Japanese text is shown.</summary>
    public string? PaymentAccountEn { get; set; }

    /// <summary>The payment details for a person reading <paramref name="english"/>; null when none are set.</summary>
    public string? PaymentAccountFor(bool english) => string.IsNullOrWhiteSpace(PaymentAccount) ? null
        : english && !string.IsNullOrWhiteSpace(PaymentAccountEn) ? PaymentAccountEn : PaymentAccount;

    /// <summary>How long a one-time code is valid.</summary>
    public int CodeMinutes { get; set; } = 30;

    /// <summary>
    /// Wrong codes allowed for one request, whatever number of codes was sent: a re-send does not give an impostor new
    /// guesses. Past it the person verifies with documents.
    /// </summary>
    public int CodeMaxAttempts { get; set; } = 5;

    /// <summary>Codes sent for one request at most; past it the person verifies with documents (each code is an e-mail to them).</summary>
    public int CodeMaxSends { get; set; } = 5;

    /// <summary>Seconds between two codes for one request, so a button held down does not flood the person's mailbox.</summary>
    public int CodeResendSeconds { get; set; } = 60;

    /// <summary>
    /// The public base URL used in status links sent to the person (e.g. https://privacy.example.jp). <c>mamori serve</c>
    /// defaults it to the first address it serves; behind a proxy, set it to the address people use.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>A TrueType font with Japanese glyphs for PDFs; empty = look in the usual places.</summary>
    public string? PdfFont { get; set; }

    public RequestSettings Validate()
    {
        static void Require(bool ok, string name, string rule)
        {
            if (!ok) throw new MamoriException(ErrorCode.RequestSettingsInvalid, $"Request setting {name} {rule}.");
        }
        Require(ResponseDays is >= 1 and <= 365, nameof(ResponseDays), "must be 1-365");
        Require(DueSoonDays is >= 0 and <= 365, nameof(DueSoonDays), "must be 0-365");
        Require(MaxUploadBytes is >= 1024 and <= 50L * 1024 * 1024, nameof(MaxUploadBytes), "must be 1 KiB-50 MiB");
        Require(FileRetentionDays is >= 0 and <= 3650, nameof(FileRetentionDays), "must be 0-3650");
        Require(CodeMinutes is >= 1 and <= 1440, nameof(CodeMinutes), "must be 1-1440");
        Require(CodeMaxAttempts is >= 1 and <= 20, nameof(CodeMaxAttempts), "must be 1-20");
        Require(CodeMaxSends is >= 1 and <= 20, nameof(CodeMaxSends), "must be 1-20");
        Require(CodeResendSeconds is >= 0 and <= 3600, nameof(CodeResendSeconds), "must be 0-3600");
        return this;
    }
}
