using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mamori.Reliability;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 that accepts every message and counts deliveries by Message-Id, so a
/// test can prove each outbox message reached the mail server exactly once. Plain SMTP, no TLS, no auth.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly ConcurrentBag<Task> _sessions = [];

    public SmtpSink()
    {
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Deliveries per Message-Id (its local part: Mamori's outbox message id, 32 hex digits).</summary>
    public ConcurrentDictionary<string, int> Deliveries { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int Total => Deliveries.Values.Sum();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _sessions.Add(Task.Run(() => SessionAsync(client)));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var ct = _stop.Token;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, false, 8192, leaveOpen: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 mamori-test-sink ESMTP");
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-mamori-test-sink");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                    case "MAIL":
                    case "RCPT":
                    case "RSET":
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        string? id = null;
                        var inHeaders = true;
                        while (await reader.ReadLineAsync(ct) is { } data && data != ".")
                        {
                            if (data.Length == 0) inHeaders = false;
                            if (inHeaders && data.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase))
                                id = data["Message-Id:".Length..].Trim().Trim('<', '>').Split('@')[0];
                        }
                        Deliveries.AddOrUpdate(id ?? "(none)", 1, (_, n) => n + 1);
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        await Task.WhenAll(_sessions);
        _stop.Dispose();
    }
}
