using System.Threading.Channels;
using Mamori.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Mamori.Audit;

/// <summary>
/// Group commit for events that stand alone (access decisions): concurrent callers' events are
/// appended in one transaction per tenant and each caller resumes only once its event is durable.
/// One decision is still one event; the batching only shares the commit (and its fsync).
/// </summary>
public sealed class AuditBatcher : IAsyncDisposable
{
    private const int MaxBatch = 1000;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly Task _worker;

    private sealed record Pending(Guid TenantId, AuditEntry Entry, TaskCompletionSource<AuditEvent> Done);

    public AuditBatcher(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _worker = Task.Run(RunAsync);
    }

    public Task<AuditEvent> AppendAsync(Guid tenantId, AuditEntry entry)
    {
        var done = new TaskCompletionSource<AuditEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(tenantId, entry, done)))
            done.SetException(new ObjectDisposedException(nameof(AuditBatcher)));
        return done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            foreach (var group in batch.GroupBy(p => p.TenantId))
            {
                var items = group.ToList();
                try
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<MamoriDbContext>();
                    db.Tenant.Set(group.Key);
                    await using var tx = await db.Database.BeginTransactionAsync();
                    var events = await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendManyAsync(db, items.Select(i => i.Entry).ToList());
                    await tx.CommitAsync();
                    for (var i = 0; i < items.Count; i++) items[i].Done.SetResult(events[i]);
                }
                catch (Exception e)
                {
                    // An audit write that fails fails the request that needed it (fail closed).
                    foreach (var i in items) i.Done.TrySetException(e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
    }
}
