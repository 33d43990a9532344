using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Tenancy;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mamori.Notifications;

/// <summary>
/// A message waiting to be sent. The subject line is fixed text plus a reference (never personal
/// data); the recipient and body are sealed under the message's own data key, wrapped by the key ring.
/// </summary>
public sealed class OutboxMessage : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }

    /// <summary>What the message is about, e.g. <c>request:&lt;id&gt;</c>; an id, not content.</summary>
    public string? Topic { get; set; }

    /// <summary>Template name (e.g. <c>request-received</c>): for statistics and tests.</summary>
    public required string Template { get; set; }

    public required string Subject { get; set; }
    public required string WrappedKey { get; set; }

    /// <summary>The key-encryption key that wraps <see cref="WrappedKey"/> (rotation re-wraps it); null once that key was forgotten.</summary>
    public string? KeyId { get; set; }
    public required byte[] SealedEnvelope { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Given up after the last retry.</summary>
    public DateTimeOffset? DeadAt { get; set; }

    /// <summary>The failure's exception type, never its message (which may quote an address).</summary>
    public string? LastError { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("OutboxMessages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Topic).HasMaxLength(80);
        b.Property(m => m.Template).HasMaxLength(64);
        b.Property(m => m.Subject).HasMaxLength(200);
        b.Property(m => m.WrappedKey).HasMaxLength(200);
        b.Property(m => m.KeyId).HasMaxLength(64);
        b.Property(m => m.LastError).HasMaxLength(200);
        b.HasIndex(m => new { m.TenantId, m.SentAt, m.NextAttemptAt });
    }
}

/// <summary>Mail settings, section <c>Mamori:Mail</c>. Without an SMTP host, messages go to <c>&lt;data-dir&gt;/outbox</c> as .eml files.</summary>
public sealed class MailSettings
{
    public const string Section = "Mamori:Mail";

    public string From { get; set; } = "privacy@localhost";
    public string FromName { get; set; } = "Mamori";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public bool SmtpStartTls { get; set; } = true;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }

    /// <summary>Where the file sink writes; default <c>&lt;data-dir&gt;/outbox</c>.</summary>
    public string? OutboxDirectory { get; set; }

    public int MaxAttempts { get; set; } = 8;
    public int BackoffSeconds { get; set; } = 30;

    /// <summary>
    /// How long a claimed message is left to the server that claimed it (at least 60). If that server stops before it
    /// records the result, another server sends the message when this time has passed.
    /// </summary>
    public int ClaimSeconds { get; set; } = 600;
}

/// <summary>The sealed part of a message.</summary>
public sealed record MailEnvelope(string To, string Body);

/// <summary>Puts messages into the outbox inside the caller's transaction (they are sent only if it commits).</summary>
public sealed class Outbox(MamoriDbContext db, KeyRingProvider keys, TimeProvider clock)
{
    public OutboxMessage Enqueue(string template, string subject, string to, string body, string? topic)
    {
        if (subject.Contains('@') || subject.Length > 200)
            throw new ArgumentException("A subject line is fixed text and a reference, never an address.", nameof(subject));
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var ring = keys.Current;
        var dataKey = VaultCrypto.NewDataKey();
        var message = new OutboxMessage
        {
            Id = id,
            TenantId = db.CurrentTenantId,
            Topic = topic,
            Template = template,
            Subject = subject,
            WrappedKey = VaultCrypto.Wrap(ring, db.CurrentTenantId, id, dataKey),
            KeyId = ring.Primary.Id,
            SealedEnvelope = VaultCrypto.EncryptField(dataKey, db.CurrentTenantId, id, "envelope", JsonSerializer.Serialize(new MailEnvelope(to, body))),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        db.Add(message);
        return message;
    }

    public static MailEnvelope Open(KeyRing ring, OutboxMessage m)
    {
        var key = VaultCrypto.Unwrap(ring, m.TenantId, m.Id, m.WrappedKey);
        try
        {
            return JsonSerializer.Deserialize<MailEnvelope>(VaultCrypto.DecryptField(key, m.TenantId, m.Id, "envelope", m.SealedEnvelope))!;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
    }
}

/// <summary>Where mail goes. Two implementations: files (default) and SMTP.</summary>
public interface IMailSink
{
    Task SendAsync(MimeMessage message, CancellationToken ct);

    /// <summary>
    /// Whether a message handed over reaches a mail system (an SMTP relay). The file transport only writes it down: nobody
    /// has been told, and the audit trail, the log and the incident page say so.
    /// </summary>
    bool Sends => true;

    /// <summary>The start banner's line: where messages to people go (never a password).</summary>
    string Describe() => GetType().Name;
}

/// <summary>
/// One .eml file per message, named by the message id; for development and for a mail relay that picks up files. The
/// files hold a person's address and the text sent to them, so only the server's user may read them (directory 700,
/// files 600, as keys.json).
/// </summary>
public sealed class FileMailSink(string directory) : IMailSink
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Directory { get; } = directory;

    public bool Sends => false;

    public string Describe() =>
        $"no SMTP host (Mamori:Mail:SmtpHost): messages to people are NOT sent; they are written to {Path.GetFullPath(Directory)} as .eml files (mode 600)";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        // Created owner-only; an existing directory (Mamori:Mail:OutboxDirectory) keeps the mode its operator gave it.
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, OwnerOnly | UnixFileMode.UserExecute);
        var path = Path.Combine(Directory, (message.MessageId ?? Guid.NewGuid().ToString("N")).Split('@')[0] + ".eml");
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        await using (var stream = new FileStream(temp, options))
            await message.WriteToAsync(stream, ct);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>SMTP through MailKit.</summary>
public sealed class SmtpMailSink(MailSettings settings) : IMailSink
{
    public string Describe() =>
        $"SMTP {settings.SmtpHost}:{settings.SmtpPort}{(settings.SmtpStartTls ? " with STARTTLS" : " without TLS")}{(string.IsNullOrEmpty(settings.SmtpUser) ? "" : $" as {settings.SmtpUser}")}, from {settings.From}";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new MailKit.Net.Smtp.SmtpClient();
        await client.ConnectAsync(settings.SmtpHost ?? throw new InvalidOperationException("No SMTP host."), settings.SmtpPort,
            settings.SmtpStartTls ? MailKit.Security.SecureSocketOptions.StartTls : MailKit.Security.SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(settings.SmtpUser)) await client.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}

public sealed record DispatchReport(int Sent, int Retried, int Dead);

/// <summary>
/// Sends due messages of the current tenant, outside any database transaction: a relay that answers slowly (or not at
/// all) must not hold locks, least of all SQLite's single write lock, which every audited change needs.
/// <list type="number">
/// <item>Claim: a short transaction takes a batch of due messages (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL), counts
/// the attempt and moves each message's next attempt past a lease (<see cref="MailSettings.ClaimSeconds"/>), so no other
/// server takes it meanwhile.</item>
/// <item>Send each message.</item>
/// <item>Record: one short transaction per message, chain head first like every audited change: sent (with its audit
/// event), or failed and due again after an exponential backoff, or given up after <see cref="MailSettings.MaxAttempts"/>.</item>
/// </list>
/// A server that stops between sending and recording leaves the message claimed; it is sent again when the lease ends,
/// with the same Message-ID. Delivery is at least once, as with any outbox.
/// </summary>
public sealed class OutboxDispatcher(MamoriDbContext db, IDatabaseProvider provider, IMailSink sink, KeyRingProvider keys, AuditLog audit,
    IOptions<MailSettings> options, TimeProvider clock)
{
    private const int Batch = 20;

    private enum Outcome { Sent, Retried, Dead, AlreadyDone }

    public async Task<DispatchReport> DispatchAsync(CancellationToken ct = default)
    {
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(Math.Max(60, settings.ClaimSeconds));
        int sent = 0, retried = 0, dead = 0;
        while (true)
        {
            var claimedAt = clock.GetUtcNow();
            var claimed = await ClaimAsync(claimedAt + lease, ct);
            if (claimed.Count == 0) break;
            var finished = 0;
            foreach (var m in claimed)
            {
                // Past half the lease another server may soon claim the rest; they wait for that rather than go out twice.
                if (clock.GetUtcNow() >= claimedAt + lease / 2) break;
                Exception? failure = null;
                try
                {
                    await sink.SendAsync(ToMime(m, Outbox.Open(keys.Current, m), settings), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
                switch (await RecordAsync(m.Id, failure, settings, ct))
                {
                    case Outcome.Sent: sent++; finished++; break;
                    case Outcome.Dead: dead++; finished++; break;
                    case Outcome.Retried: retried++; break;
                }
            }
            if (finished == 0) break; // every attempt failed (or the lease ran short): the rest waits for its next attempt
        }
        return new DispatchReport(sent, retried, dead);
    }

    private async Task<List<OutboxMessage>> ClaimAsync(DateTimeOffset leaseEnds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sql = $"SELECT \"Id\" AS \"Value\" FROM \"OutboxMessages\" WHERE \"TenantId\" = {{0}} AND \"SentAt\" IS NULL AND \"DeadAt\" IS NULL AND \"NextAttemptAt\" <= {{1}} ORDER BY \"NextAttemptAt\" LIMIT {Batch} {provider.SkipLockedClause}";
        var ids = await db.Database.SqlQueryRaw<Guid>(sql, db.CurrentTenantId, provider.TimestampParameter(now)).ToListAsync(ct);
        if (ids.Count == 0) return [];
        var rows = await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).OrderBy(m => m.NextAttemptAt).ToListAsync(ct);
        foreach (var m in rows)
        {
            m.Attempts++;
            m.NextAttemptAt = leaseEnds;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return rows;
    }

    private async Task<Outcome> RecordAsync(Guid id, Exception? failure, MailSettings settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.LockHeadAsync(db, ct);
        var m = await db.Set<OutboxMessage>().SingleAsync(x => x.Id == id, ct);
        Outcome outcome;
        AuditEntry? entry = null;
        if (m.SentAt is not null || m.DeadAt is not null)
            outcome = Outcome.AlreadyDone; // another server took it over after this one's lease ran out, and finished first
        else if (failure is null)
        {
            m.SentAt = now;
            m.LastError = null;
            outcome = Outcome.Sent;
            entry = new AuditEntry(sink.Sends ? AuditCode.NotificationSent : AuditCode.NotificationWritten, Actor.System, TargetId: m.Id.ToString(), ReasonCode: m.Template);
        }
        else
        {
            // The exception's type only: its message may quote an address.
            m.LastError = failure.GetType().FullName is { } n && n.Length > 200 ? n[..200] : failure.GetType().FullName;
            if (m.Attempts >= settings.MaxAttempts)
            {
                m.DeadAt = now;
                outcome = Outcome.Dead;
                entry = new AuditEntry(AuditCode.NotificationFailed, Actor.System, AuditOutcome.Failed, TargetId: m.Id.ToString(), ReasonCode: m.Template);
            }
            else
            {
                m.NextAttemptAt = now + Backoff(settings.BackoffSeconds, m.Attempts);
                outcome = Outcome.Retried;
            }
        }
        if (entry is not null) await audit.AppendAsync(db, entry, ct);
        else await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return outcome;
    }

    /// <summary>30 s, 1 min, 2 min… doubling, at most 6 hours.</summary>
    public static TimeSpan Backoff(int baseSeconds, int attempts) =>
        TimeSpan.FromSeconds(Math.Min(6 * 3600, baseSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));

    public static MimeMessage ToMime(OutboxMessage m, MailEnvelope envelope, MailSettings settings)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(MailboxAddress.Parse(envelope.To));
        message.Subject = m.Subject;
        message.MessageId = $"{m.Id:N}@mamori";
        message.Date = m.CreatedAt;
        // Japanese text is UTF-8: say so (8bit) rather than MIME's 7bit default, which strict readers of the .eml files
        // mis-decode; an SMTP relay without 8BITMIME gets it re-encoded by MailKit before sending.
        message.Body = new TextPart("plain") { Text = envelope.Body, ContentTransferEncoding = ContentEncoding.EightBit };
        return message;
    }
}
