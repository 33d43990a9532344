using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mamori.Anonymization;
using Mamori.Vault;
using Microsoft.Extensions.Time.Testing;
using Shouldly;

namespace Mamori.Tests.Anonymization;

/// <summary>
/// The acceptance through the key ring: pseudonyms of a table are stable under one dataset key
/// (also after the ring is saved and read back, as a server restart does) and unlinkable across two
/// dataset keys: no pseudonym of one dataset appears in the other, and the equality pattern is kept.
/// </summary>
public sealed class PseudonymizationKeyRingPropertyTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    private static Table Of(IReadOnlyList<string> ids) => new(["customer_id", "plan"], ids.Select(i => new[] { i, "fiber" }).ToList());

    private static List<string> Pseudonyms(KeyRing ring, string keyId, Table table)
    {
        using var p = new Pseudonymizer(ring.FindPseudonymizationKey(keyId)!, keyId);
        var plan = new Dictionary<string, PseudonymColumn> { ["customer_id"] = new(PseudonymColumnKind.Identifier, "customer") };
        return p.Apply(table, plan).Table.Rows.Select(r => r[0]).ToList();
    }

    public static Arbitrary<string[]> Ids() =>
        Gen.NonEmptyListOf(Gen.Elements("C-001", "C-002", "山田 太郎", "ｶﾞｽ", "taro@example.jp", "090-1234-5678", "x", "0"))
            .Select(l => l.ToArray()).ToArbitrary();

    [Property(MaxTest = 100, Arbitrary = [typeof(PseudonymizationKeyRingPropertyTests)])]
    public bool DatasetKeys_StableUnderOneKeyAfterReload_UnlinkableAcrossKeys(string[] ids)
    {
        var (ring, first) = KeyRing.Generate(Clock).WithPseudonymizationKey(Clock);
        (ring, var second) = ring.WithPseudonymizationKey(Clock);
        var table = Of(ids);
        var a = Pseudonyms(ring, first, table);
        var reloaded = KeyRing.Parse(ring.Serialize(), "reloaded");
        var again = Pseudonyms(reloaded, first, table);
        var b = Pseudonyms(reloaded, second, table);

        var stable = a.SequenceEqual(again);
        // The same value always gives the same pseudonym under one key, different values different ones.
        var consistent = Enumerable.Range(0, ids.Length).All(i => Enumerable.Range(0, ids.Length).All(j =>
            (ids[i].Normalize(System.Text.NormalizationForm.FormKC) == ids[j].Normalize(System.Text.NormalizationForm.FormKC)) == (a[i] == a[j])));
        var unlinkable = !a.Intersect(b).Any();
        // After the key is deleted the ring cannot make the first dataset's pseudonyms any more.
        var deleted = reloaded.WithoutPseudonymizationKey(first);
        var gone = deleted.FindPseudonymizationKey(first) is null && deleted.FindPseudonymizationKey(second) is not null
                   && !deleted.Serialize().Contains(first, StringComparison.Ordinal);
        return stable && consistent && unlinkable && gone;
    }

    /// <summary>The documented definition, computed independently: HMAC-SHA256(key, le32(|domain|) ‖ domain ‖ NFKC(value)), first 16 bytes in hex.</summary>
    private static string Definition(byte[] key, string domain, string value)
    {
        var d = System.Text.Encoding.UTF8.GetBytes(domain);
        var v = System.Text.Encoding.UTF8.GetBytes(value.Normalize(System.Text.NormalizationForm.FormKC));
        var message = new byte[4 + d.Length + v.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(message, d.Length);
        d.CopyTo(message, 4);
        v.CopyTo(message, 4 + d.Length);
        return Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, message)[..16]);
    }

    [Property(MaxTest = 200)]
    public bool Pseudonym_AnyValueShortOrLong_EqualsDefinition(NonNull<string> value, NonNull<string> domain, PositiveInt repeat)
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 7)).ToArray();
        using var p = new Pseudonymizer(key, "k");
        // Repeating pushes some messages past the stack buffer (512 bytes) onto the pooled one.
        var v = string.Concat(Enumerable.Repeat(value.Get, 1 + repeat.Get % 60));
        var table = new Table(["c"], [[v]]);
        var applied = p.Apply(table, new Dictionary<string, PseudonymColumn> { ["c"] = new(PseudonymColumnKind.Identifier, domain.Get) }).Table.Rows[0][0];
        var expected = v.Length == 0 ? v : Definition(key, domain.Get, v);
        return p.Pseudonym(domain.Get, v) == Definition(key, domain.Get, v) && applied == expected;
    }

    [Fact]
    public async Task Update_ParallelNewKeys_NoKeyLost()
    {
        var dir = Directory.CreateTempSubdirectory("mamori-keys-").FullName;
        try
        {
            var path = Path.Combine(dir, "keys.json");
            KeyRing.Generate(Clock).Save(path);
            var provider = new KeyRingProvider(new KeyRingOptions(path, null));
            var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => provider.Update(r => r.WithPseudonymizationKey(Clock)), TestContext.Current.CancellationToken)));
            var saved = KeyRing.Parse(File.ReadAllText(path), path);
            saved.PseudonymizationKeys.Select(k => k.Id).Order().ShouldBe(ids.Order());
            saved.Keks.Count.ShouldBe(1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
