using System.Text;
using Mamori.Policy.Yaml;

namespace Mamori.Policy;

/// <summary>
/// Loads a policy directory: <c>company.yaml</c> (required), <c>mynumber.yaml</c> (optional, the
/// My Number basic policy) and <c>services/*.yaml</c> (one file per service), binds them to
/// <see cref="PolicyModel"/> and validates it. Precedence: a service file overrides the company
/// file field by field; mynumber.yaml overrides both. Every problem is a
/// <see cref="PolicyDiagnostic"/> with file, line and column; nothing throws for bad input.
/// </summary>
public static class PolicyLoader
{
    public const string CompanyFile = "company.yaml";
    public const string MyNumberFile = "mynumber.yaml";
    public const string ServicesDir = "services";

    /// <summary>
    /// Loads and validates the policy in <paramref name="dir"/>. File names in diagnostics start with <paramref name="dir"/> as given.
    /// With <paramref name="published"/>, the version it would follow, texts whose Japanese changed without their English are warned.
    /// </summary>
    public static PolicyLoadResult LoadDirectory(string dir, PublishedPolicy? published = null)
    {
        var diags = new DiagnosticBag();
        if (!Directory.Exists(dir))
        {
            diags.Error(new SourcePos(dir, 1, 1), PolicyCodes.DirectoryNotFound, "Policy directory not found.");
            return new PolicyLoadResult(null, diags.Items);
        }
        var files = new List<(string Display, string Relative, string FullPath)>();
        string Display(string rel) => Path.Join(dir, rel);
        files.Add((Display(CompanyFile), CompanyFile, Path.Combine(dir, CompanyFile)));
        if (File.Exists(Path.Combine(dir, MyNumberFile))) files.Add((Display(MyNumberFile), MyNumberFile, Path.Combine(dir, MyNumberFile)));
        var servicesDir = Path.Combine(dir, ServicesDir);
        if (Directory.Exists(servicesDir))
        {
            var serviceFiles = Directory.GetFiles(servicesDir, "*.yaml").Concat(Directory.GetFiles(servicesDir, "*.yml"))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
            if (serviceFiles.Count > YamlLimits.MaxServiceFiles)
            {
                diags.Error(new SourcePos(Display(ServicesDir), 1, 1), PolicyCodes.InputTooLarge, $"More than {YamlLimits.MaxServiceFiles} service files.");
                return new PolicyLoadResult(null, diags.Items);
            }
            foreach (var f in serviceFiles)
            {
                var rel = ServicesDir + "/" + f;
                files.Add((Display(Path.Combine(ServicesDir, f)), rel, Path.Combine(servicesDir, f)));
            }
        }

        var sources = new List<PolicySource>();
        long total = 0;
        foreach (var (display, rel, full) in files)
        {
            if (!File.Exists(full))
            {
                diags.Error(new SourcePos(display, 1, 1), PolicyCodes.CompanyFileMissing, $"The policy directory has no {CompanyFile}.");
                return new PolicyLoadResult(null, diags.Items);
            }
            long length;
            try { length = new FileInfo(full).Length; }
            catch (IOException) { length = 0; }
            total += length;
            if (length > YamlLimits.MaxFileBytes || total > YamlLimits.MaxTotalBytes)
            {
                diags.Error(new SourcePos(display, 1, 1), PolicyCodes.InputTooLarge,
                    $"Policy input too large (at most {YamlLimits.MaxFileBytes / 1024} KiB per file and {YamlLimits.MaxTotalBytes / 1024 / 1024} MiB in all).");
                return new PolicyLoadResult(null, diags.Items);
            }
            try
            {
                sources.Add(new PolicySource(rel, File.ReadAllText(full, Encoding.UTF8), display));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                diags.Error(new SourcePos(display, 1, 1), PolicyCodes.FileUnreadable, "Cannot read the file: " + ex.GetType().Name + ".");
                return new PolicyLoadResult(null, diags.Items);
            }
        }
        return Load(sources, diags, published);
    }

    /// <summary>Loads a policy from in-memory files (relative paths like "company.yaml", "services/sms.yaml"); <paramref name="published"/> as for <see cref="LoadDirectory"/>.</summary>
    public static PolicyLoadResult LoadFiles(IReadOnlyDictionary<string, string> files, PublishedPolicy? published = null)
    {
        var diags = new DiagnosticBag();
        var list = files.OrderBy(f => f.Key == CompanyFile ? 0 : f.Key == MyNumberFile ? 1 : 2).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new PolicySource(f.Key, f.Value, f.Key)).ToList();
        long total = 0;
        foreach (var s in list)
        {
            total += Encoding.UTF8.GetByteCount(s.Text);
            if (s.Text.Length > YamlLimits.MaxFileBytes || total > YamlLimits.MaxTotalBytes)
            {
                diags.Error(new SourcePos(s.Display, 1, 1), PolicyCodes.InputTooLarge, "Policy input too large.");
                return new PolicyLoadResult(null, diags.Items);
            }
        }
        if (!files.ContainsKey(CompanyFile))
        {
            diags.Error(new SourcePos(CompanyFile, 1, 1), PolicyCodes.CompanyFileMissing, $"The policy has no {CompanyFile}.");
            return new PolicyLoadResult(null, diags.Items);
        }
        return Load(list, diags, published);
    }

    private sealed record PolicySource(string Relative, string Text, string Display);

    private static PolicyLoadResult Load(List<PolicySource> sources, DiagnosticBag diags, PublishedPolicy? published)
    {
        var map = new SourceMap();
        YMapping? company = null, myNumber = null;
        var services = new List<(PolicySource Src, YMapping Map)>();
        foreach (var src in sources)
        {
            var node = SafeYamlReader.Read(src.Text, src.Display, diags);
            if (node is null)
            {
                if (!diags.HasErrors) diags.Error(new SourcePos(src.Display, 1, 1), PolicyCodes.NotASingleMapping, "The file is empty.");
                continue;
            }
            if (node is not YMapping m)
            {
                diags.Error(node.Pos, PolicyCodes.NotASingleMapping, "A policy file must be a mapping of sections at the top level.");
                continue;
            }
            if (src.Relative == CompanyFile) company = m;
            else if (src.Relative == MyNumberFile) myNumber = m;
            else services.Add((src, m));
        }
        if (company is null) return new PolicyLoadResult(null, Sorted(diags));

        CheckTopKeys(company, [.. PolicyBinder.CompanyOnlyKeys, .. PolicyBinder.ScopeKeys], "company.yaml", diags);
        if (myNumber is not null) CheckTopKeys(myNumber, ["basicPolicy", .. PolicyBinder.MyNumberScopeKeys], "mynumber.yaml", diags);
        foreach (var (src, m) in services) CheckTopKeys(m, ["service", .. PolicyBinder.ScopeKeys], "a service file", diags);

        var myNumberScope = myNumber is null ? null : YamlMerge.Filter(myNumber, PolicyBinder.MyNumberScopeKeys);
        var companyTree = myNumberScope is null ? company : YamlMerge.Merge(company, myNumberScope);
        var top = new MapReader(companyTree, diags, map, "company.yaml");

        var formatVersion = top.Int("formatVersion") ?? 1;
        if (formatVersion != 1) diags.Error(top.FieldPos("formatVersion"), PolicyCodes.InvalidValue, "'formatVersion' must be 1.");
        var companyReader = top.Map("company", "company", required: true);
        var companyValue = companyReader is null ? new Company() : PolicyBinder.BindCompany(companyReader);
        var managers = top.Map("privacyManagers", "privacyManagers") is { } pm ? PolicyBinder.BindManagers(pm) : null;
        var roles = PolicyBinder.BindRoles(top);
        var security = top.Map("securityMeasures", "securityMeasures") is { } sm ? PolicyBinder.BindSecurity(sm) : null;
        var established = top.Date("established");
        var amendments = PolicyBinder.BindAmendments(top);
        var scope = PolicyBinder.BindScope(top);

        MyNumberPolicy? myNumberPolicy = null;
        if (myNumber is not null)
        {
            var mr = new MapReader(myNumber, diags, map, "mynumber.yaml");
            if (mr.Map("basicPolicy", "basicPolicy", required: true) is { } bp) myNumberPolicy = PolicyBinder.BindMyNumber(bp);
        }

        var companyScope = YamlMerge.Filter(company, PolicyBinder.ScopeKeys);
        var serviceModels = new List<ServicePolicy>();
        var serviceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (src, raw) in services)
        {
            var sr = new MapReader(raw, diags, map, src.Display);
            var header = sr.Map("service", "service", required: true);
            if (header is null) continue;
            var id = header.Str("id", required: true);
            var name = header.Text("name", required: true);
            var description = header.Text("description");
            var url = header.Str("url");
            header.Finish<object?>(null);
            if (id is null || name is null) continue;
            if (!MapReader.IsValidId(id))
            {
                diags.Error(header.FieldPos("id"), PolicyCodes.InvalidId, $"Service id '{id}' must be lower-case letters, digits and '-'.");
                continue;
            }
            if (!serviceIds.Add(id))
            {
                diags.Error(header.FieldPos("id"), PolicyCodes.DuplicateService, $"Service id '{id}' is declared twice.");
                continue;
            }
            var own = YamlMerge.Filter(raw, PolicyBinder.ScopeKeys);
            var tree = YamlMerge.Merge(companyScope, own);
            if (myNumberScope is not null) tree = YamlMerge.Merge(tree, myNumberScope);
            var s = PolicyBinder.BindScope(new MapReader(tree, diags, map, src.Display));
            var model = new ServicePolicy
            {
                Id = id,
                Name = name,
                Description = description,
                Url = url,
                Contact = own.Get("contact") is null ? null : s.Contact,
                SubjectTypes = Own(s.SubjectTypes, own, "subjectTypes", x => x.Id),
                DataCategories = Own(s.DataCategories, own, "dataCategories", x => x.Id),
                AcquisitionMethods = Own(s.AcquisitionMethods, own, "acquisitionMethods", x => x.Id),
                Purposes = Own(s.Purposes, own, "purposes", x => x.Id),
                Recipients = new Recipients
                {
                    Entrustees = Own(s.Recipients.Entrustees, own.Get("recipients") as YMapping, "entrustees", x => x.Id),
                    SharedUse = Own(s.Recipients.SharedUse, own.Get("recipients") as YMapping, "sharedUse", x => x.Id),
                    ThirdParties = Own(s.Recipients.ThirdParties, own.Get("recipients") as YMapping, "thirdParties", x => x.Id),
                    Foreign = Own(s.Recipients.Foreign, own.Get("recipients") as YMapping, "foreign", x => x.Id),
                },
                OptOut = own.Get("optOut") is null ? null : s.OptOut,
                RequestProcedures = own.Get("requestProcedures") is null ? null : s.RequestProcedures,
                Cookies = own.Get("cookies") is null ? null : s.Cookies,
                ExternalTags = Own(s.ExternalTags, own, "externalTags", x => x.Id),
            };
            map.Add(model, header.Pos, []);
            serviceModels.Add(model);
        }

        var policy = new PolicyModel
        {
            FormatVersion = formatVersion,
            Company = companyValue,
            Contact = scope.Contact,
            PrivacyManagers = managers,
            Roles = roles,
            SubjectTypes = scope.SubjectTypes,
            DataCategories = scope.DataCategories,
            AcquisitionMethods = scope.AcquisitionMethods,
            Purposes = scope.Purposes,
            Recipients = scope.Recipients,
            OptOut = scope.OptOut,
            RequestProcedures = scope.RequestProcedures,
            Cookies = scope.Cookies,
            ExternalTags = scope.ExternalTags,
            SecurityMeasures = security,
            Established = established,
            Amendments = amendments,
            MyNumber = myNumberPolicy,
            Services = serviceModels,
        };
        if (companyReader is not null) map.Add(policy.Company, companyReader.Pos, []);
        // Shape errors first: semantic rules on a half-bound model would only add noise.
        if (!diags.HasErrors) PolicyValidator.Validate(policy, map, diags, new SourcePos(sources[0].Display, 1, 1));
        if (!diags.HasErrors && published is not null) PolicyTranslationCheck.Check(published, policy, map, diags);
        var all = Sorted(diags);
        return new PolicyLoadResult(all.Any(d => d.IsError) ? null : policy, all);
    }

    private static IReadOnlyList<T> Own<T>(IReadOnlyList<T> merged, YMapping? own, string key, Func<T, string> id)
    {
        if (own?.Get(key) is not YMapping m) return [];
        var ids = m.Entries.Select(e => e.Key.Value).ToHashSet(StringComparer.Ordinal);
        return merged.Where(x => ids.Contains(id(x))).ToList();
    }

    private static void CheckTopKeys(YMapping m, string[] allowed, string what, DiagnosticBag diags)
    {
        foreach (var (k, _) in m.Entries)
        {
            if (!allowed.Contains(k.Value, StringComparer.Ordinal))
                diags.Error(k.Pos, PolicyCodes.UnknownField, $"Unknown field '{k.Value}' at the top of {what}.");
        }
    }

    private static List<PolicyDiagnostic> Sorted(DiagnosticBag diags) =>
        diags.Items.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ThenBy(d => d.Code, StringComparer.Ordinal).ToList();
}
