using Mamori.Data;
using Mamori.Notifications;
using Mamori.Requests;
using Microsoft.EntityFrameworkCore;

namespace Mamori.Hosting;

/// <summary>
/// Background work of requests in every server: sends the outbox (every <c>Mamori:Requests:JobSeconds</c>,
/// default 15) and destroys uploads and answer files past their retention. Off when
/// <c>Mamori:Jobs:IntervalSeconds</c> is 0 (tests). Batches are claimed with SKIP LOCKED.
/// </summary>
public sealed partial class RequestJobs(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, IMailSink sink, ILogger<RequestJobs> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetValue("Mamori:Jobs:IntervalSeconds", 300) <= 0) return;
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Mamori:Requests:JobSeconds", 15));
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                JobFailed(logger, e.GetType().Name);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenants.Select(t => t.Id).ToListAsync(ct);
        foreach (var tenant in tenants)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<MamoriDbContext>().Tenant.Set(tenant);
            var report = await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchAsync(ct);
            var destroyed = await scope.ServiceProvider.GetRequiredService<DataSubjectRequests>()
                .DestroyExpiredFilesAsync(scope.ServiceProvider.GetRequiredService<IDatabaseProvider>(), ct);
            if (report.Sent + report.Retried + report.Dead + destroyed == 0) continue;
            // Without an SMTP host the messages only went to files; the log said "sent" although nobody was told.
            if (sink.Sends) JobRan(logger, tenant, report.Sent, report.Retried, report.Dead, destroyed);
            else JobRanToFiles(logger, tenant, report.Sent, report.Retried, report.Dead, destroyed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request jobs for tenant {Tenant}: {Sent} messages sent, {Retried} to retry, {Dead} given up; files of {Destroyed} closed requests destroyed")]
    private static partial void JobRan(ILogger logger, Guid tenant, int sent, int retried, int dead, int destroyed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request jobs for tenant {Tenant}: {Written} messages written to the outbox directory and NOT sent (no SMTP host), {Retried} to retry, {Dead} given up; files of {Destroyed} closed requests destroyed")]
    private static partial void JobRanToFiles(ILogger logger, Guid tenant, int written, int retried, int dead, int destroyed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request job failed: {ExceptionType}")]
    private static partial void JobFailed(ILogger logger, string exceptionType);
}
