using Mamori.Errors;
using Mamori.Vault;
using Shouldly;

namespace Mamori.Tests.Reliability;

/// <summary>The erasure ledger file: fingerprints, deduplication, a torn last line after a crash, corruption.</summary>
public sealed class ErasureLedgerTests
{
    private static ErasureLedger.Entry Entry(byte[] key, string categories = "a,b") =>
        new(Guid.NewGuid(), Guid.NewGuid(), ErasureLedger.Fingerprint(key), categories, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("mamori-ledger-").FullName, "erasures.jsonl");

    [Fact]
    public void Fingerprint_SameKeyDifferentKey_StableAndDistinctAndNotTheKey()
    {
        var key = VaultCrypto.NewDataKey();
        ErasureLedger.Fingerprint(key).ShouldBe(ErasureLedger.Fingerprint((byte[])key.Clone()));
        ErasureLedger.Fingerprint(key).ShouldNotBe(ErasureLedger.Fingerprint(VaultCrypto.NewDataKey()));
        ErasureLedger.Fingerprint(key).ShouldStartWith(ErasureLedger.FingerprintPrefix);
        ErasureLedger.Fingerprint(key).ShouldNotContain(Convert.ToHexStringLower(key)[..8]);
    }

    [Fact]
    public void Append_Twice_DeduplicatesAndSecondInstanceSeesLines()
    {
        var path = NewPath();
        var ledger = new ErasureLedger(path);
        var e = Entry(VaultCrypto.NewDataKey());
        ledger.Append([e, e]).ShouldBe(1);
        ledger.Append([e]).ShouldBe(0);
        var other = new ErasureLedger(path);
        other.Contains(e.Key).ShouldBeTrue();
        other.Entries.ShouldHaveSingleItem().ShouldBe(e);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void Append_AfterTornLastLine_KeepsEveryCompleteEntry()
    {
        var path = NewPath();
        var first = Entry(VaultCrypto.NewDataKey());
        new ErasureLedger(path).Append([first]);
        File.AppendAllText(path, "{\"tenant\":\"0000"); // a crash in the middle of an append
        var ledger = new ErasureLedger(path);
        ledger.Contains(first.Key).ShouldBeTrue();
        var second = Entry(VaultCrypto.NewDataKey());
        ledger.Append([second]).ShouldBe(1);
        var reread = new ErasureLedger(path);
        reread.Contains(first.Key).ShouldBeTrue();
        reread.Contains(second.Key).ShouldBeTrue();
    }

    [Fact]
    public void Contains_CorruptLineInTheMiddle_Fails1325()
    {
        var path = NewPath();
        new ErasureLedger(path).Append([Entry(VaultCrypto.NewDataKey())]);
        File.AppendAllText(path, "garbage\n");
        var e = Should.Throw<MamoriException>(() => new ErasureLedger(path).Contains("dk1:00"));
        e.Code.ShouldBe(ErrorCode.ErasureLedgerInvalid);
    }
}
