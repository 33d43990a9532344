using Mamori.Audit;
using Mamori.Data;
using Mamori.Staff;
using Mamori.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mamori.Hosting;

/// <summary>The services shared by the server and the admin commands.</summary>
public static class MamoriServices
{
    public static IServiceCollection AddMamoriCore(this IServiceCollection services, MamoriSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Provider);
        services.AddScoped<TenantContext>();
        // Scoped contexts leased from a pool, each bound to its scope's tenant.
        MamoriDbContext.AddPooled(services, (sp, options) =>
            sp.GetRequiredService<IDatabaseProvider>().Configure(options, settings.Database.ConnectionString));
        services.AddSingleton<AuditLog>();
        services.TryAddSingleton(new SessionSettings());
        services.AddScoped<Tenants>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<SignIn>();
        services.AddScoped<ApiKeys>();
        services.AddScoped<Policy.PolicyStore>();
        services.TryAddSingleton(Vault.KeyRingOptions.From(settings.DataDir));
        services.AddSingleton<Vault.KeyRingProvider>();
        services.AddSingleton<AuditBatcher>();
        services.AddScoped<Access.AccessDecisions>();
        services.AddScoped<Vault.Subjects>();
        services.AddScoped<Vault.VaultMaintenance>();
        services.AddScoped<Vault.RetentionEvents>();
        services.AddScoped<Vault.SubjectImport>();
        services.AddSingleton<Consent.SubjectLinks>();
        services.AddScoped<Consent.CookieConsents>();
        services.AddOptions<Incidents.IncidentSettings>();
        services.AddScoped<Incidents.IncidentRegistry>();
        services.AddScoped<Incidents.IncidentNotices>();
        services.AddOptions<Requests.RequestSettings>();
        services.AddOptions<Notifications.MailSettings>();
        services.AddScoped<Notifications.Outbox>();
        services.AddScoped<Notifications.OutboxDispatcher>();
        services.TryAddSingleton<Notifications.IMailSink>(sp =>
        {
            var mail = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Notifications.MailSettings>>().Value;
            return string.IsNullOrWhiteSpace(mail.SmtpHost)
                ? new Notifications.FileMailSink(mail.OutboxDirectory ?? Path.Combine(settings.DataDir, "outbox"))
                : new Notifications.SmtpMailSink(mail);
        });
        services.AddScoped<Requests.DisclosureBuilder>();
        services.AddScoped<Notifications.RecipientQuota>();
        services.AddScoped<Requests.DataSubjectRequests>();
        services.AddOptions<Consent.ConsentSettings>();
        services.AddOptions<Provision.ProvisionSettings>();
        services.AddScoped<Consent.Consents>();
        services.AddScoped<Consent.CookieLinks>();
        services.AddScoped<Provision.Provisions>();
        services.AddScoped<Provision.ProvisionRecords>();
        services.AddScoped<Provision.RecipientRegistry>();
        services.AddScoped<Provision.RecordRegister>();
        services.AddScoped<Provision.OptOutStops>();
        services.AddOptions<Datasets.DatasetSettings>();
        services.AddScoped<Datasets.ProcessedDatasets>();
        services.AddScoped<Governance.Reports.GovernanceEvidence>();
        services.AddScoped<Governance.InternalAudits.AuditChecklist>();
        services.AddScoped<Governance.InternalAudits.InternalAuditing>();
        services.AddScoped<Governance.Entrustees.EntrusteeSupervision>();
        services.AddScoped<Governance.Reports.ManagementReview>();
        services.TryAddSingleton<Governance.Training.TrainingSuspensions>();
        services.AddScoped<Governance.Organisation.Organisation>();
        services.AddScoped<Governance.AccessReviews.AccessReviews>();
        services.AddScoped<Governance.Organisation.DepartmentOverviews>();
        services.AddScoped<Governance.Training.TrainingRecords>();
        services.AddScoped<Governance.Organisation.PeopleEvidence>();
        return services;
    }

    /// <summary>Applies pending migrations. Idempotent; safe to run from several servers at once on PostgreSQL.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await Vault.VaultUpgrade.MigrateAsync(scope.ServiceProvider, ct);
    }
}
