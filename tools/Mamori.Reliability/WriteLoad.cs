using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mamori.Reliability;

public enum WriteKind { Subject, Consent, Request }

/// <summary>A write the server acknowledged with a 2xx; <see cref="Key"/> is the email for subjects.</summary>
public sealed record AckedWrite(WriteKind Kind, Guid Id, Guid SubjectId, string Key);

/// <summary>
/// Writes subjects (POST /api/subjects), consents (POST /api/subjects/{id}/consents) and requests (POST
/// /api/requests) at a steady rate from a few workers, and records every write the server acknowledged.
/// Bounded by <see cref="MaxWrites"/> and by cancellation; talks only to the given 127.0.0.1 servers.
/// Connection failures while a server is down are counted, not retried: such a write was never acknowledged.
/// </summary>
public sealed class WriteLoad
{
    private readonly IReadOnlyList<Uri> _servers;
    private readonly string _apiKey;
    private readonly int _seed;
    private readonly ConcurrentQueue<AckedWrite> _acked = new();
    private readonly ConcurrentDictionary<Guid, string> _subjects = new();
    private readonly List<Guid> _subjectIds = [];
    private readonly Lock _subjectLock = new();
    private long _attempted, _refused, _unknown, _rejected;

    public WriteLoad(IReadOnlyList<Uri> servers, string apiKey, int seed)
    {
        foreach (var s in servers)
            if (!IPAddress.IsLoopback(IPAddress.Parse(s.Host))) throw new ArgumentException("The load only talks to 127.0.0.1.", nameof(servers));
        _servers = servers;
        _apiKey = apiKey;
        _seed = seed;
    }

    public int Workers { get; init; } = 4;

    /// <summary>Writes per second over all workers.</summary>
    public double Rate { get; init; } = 40;

    public long MaxWrites { get; init; } = 200_000;

    /// <summary>Mix: subject, consent, request (weights).</summary>
    public (int Subject, int Consent, int Request) Mix { get; init; } = (2, 1, 1);

    /// <summary>Inquirers (no legal hold, retention can end) instead of ISP customers.</summary>
    public bool Inquirers { get; init; }

    public long Attempted => Interlocked.Read(ref _attempted);

    /// <summary>Connection refused: the server was down, nothing was sent.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Sent, but the connection broke before an answer: outcome unknown (may or may not be stored, never half).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Answered with a non-2xx status (e.g. 503 while starting). A 5xx is a finding unless the server was starting.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public IReadOnlyCollection<AckedWrite> Acknowledged => _acked;

    public async Task RunAsync(CancellationToken ct)
    {
        var tasks = Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkerAsync(w, ct), CancellationToken.None)).ToArray();
        await Task.WhenAll(tasks);
    }

    private async Task WorkerAsync(int worker, CancellationToken ct)
    {
        var random = new Random(_seed * 1000 + worker);
        using var http = NewClient(_apiKey);
        var interval = TimeSpan.FromSeconds(Workers / Rate);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        long n = 0;
        while (!ct.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref _attempted) > MaxWrites) break;
            var server = _servers[(int)(n++ % _servers.Count)];
            try
            {
                await WriteOnceAsync(http, server, random, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _unknown);
                break;
            }
            next += interval;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, ct); }
                catch (OperationCanceledException) { break; }
            }
            else if (wait < -interval * 10) next = clock.Elapsed; // fell far behind (server down): don't burst afterwards
        }
    }

    public static HttpClient NewClient(string apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            ConnectCallback = ConnectAsync,
        };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    // The server is SIGKILLed at random moments. A socket that connects just before a kill can fail
    // getpeername (ENOTCONN), and .NET's connection pool asked for the peer outside its own error handling:
    // the exception ended this whole tool (exit 134). Asked here first, the failure is an ordinary failed
    // connection, and on success the socket keeps the answer for the pool.
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            _ = socket.RemoteEndPoint;
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"connecting failed: {e.SocketErrorCode}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task WriteOnceAsync(HttpClient http, Uri server, Random random, CancellationToken ct)
    {
        var total = Mix.Subject + Mix.Consent + Mix.Request;
        var pick = random.Next(total);
        Guid subject;
        lock (_subjectLock) subject = _subjectIds.Count == 0 ? Guid.Empty : _subjectIds[random.Next(_subjectIds.Count)];
        var kind = subject == Guid.Empty || pick < Mix.Subject ? WriteKind.Subject : pick < Mix.Subject + Mix.Consent ? WriteKind.Consent : WriteKind.Request;
        if (kind == WriteKind.Consent && Inquirers) kind = WriteKind.Request;
        var serial = random.NextInt64(1, long.MaxValue).ToString("x16", CultureInfo.InvariantCulture);
        HttpResponseMessage response;
        try
        {
            response = kind switch
            {
                WriteKind.Subject => await http.PostAsJsonAsync(new Uri(server, "/api/subjects"), SubjectBody(serial, random), ct),
                WriteKind.Consent => await http.PostAsJsonAsync(new Uri(server, $"/api/subjects/{subject}/consents"),
                    new { scopes = new[] { "provision:carriers" }, action = "grant", method = "web-form", evidenceRef = "load-" + serial }, ct),
                _ => await http.PostAsJsonAsync(new Uri(server, "/api/requests"), new
                {
                    kind = "disclosure", channel = "certified-mail", name = "負荷 試験", email = _subjects[subject], address = "東京都千代田区1-1",
                }, ct),
            };
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is System.Net.Sockets.SocketException
                                                  { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
        {
            Interlocked.Increment(ref _refused);
            await Task.Delay(50, ct);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            Interlocked.Increment(ref _unknown);
            return;
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _rejected);
                return;
            }
            JsonElement json;
            try
            {
                json = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
            {
                // The status line arrived but the body broke off: the write was still acknowledged.
                Interlocked.Increment(ref _unknown);
                return;
            }
            switch (kind)
            {
                case WriteKind.Subject:
                    var id = json.GetProperty("id").GetGuid();
                    var email = $"load-{serial}@example.jp";
                    _subjects[id] = email;
                    lock (_subjectLock) _subjectIds.Add(id);
                    _acked.Enqueue(new AckedWrite(WriteKind.Subject, id, id, email));
                    break;
                case WriteKind.Consent:
                    _acked.Enqueue(new AckedWrite(WriteKind.Consent, json.GetProperty("receipt").GetProperty("id").GetGuid(), subject, "provision:carriers"));
                    break;
                default:
                    var request = json.GetProperty("request");
                    _acked.Enqueue(new AckedWrite(WriteKind.Request, request.GetProperty("id").GetGuid(), subject, request.GetProperty("reference").GetString()!));
                    break;
            }
        }
    }

    private object SubjectBody(string serial, Random random)
    {
        var phone = $"090-{random.Next(1000, 9999)}-{random.Next(1000, 9999)}";
        return Inquirers
            ? new
            {
                type = "inquirer", acquisition = "web-form", purposesShown = new[] { "inquiries" },
                fields = new Dictionary<string, string> { ["name"] = "負荷 " + serial[..4], ["email"] = $"load-{serial}@example.jp", ["phone"] = phone, ["inquiry"] = "料金について" },
            }
            : new
            {
                type = "customer", service = "isp", acquisition = "web-form", purposesShown = new[] { "service-provision", "support" },
                fields = new Dictionary<string, string> { ["name"] = "負荷 " + serial[..4], ["email"] = $"load-{serial}@example.jp", ["phone"] = phone },
            };
    }
}
