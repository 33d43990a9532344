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

    // Regression: two servers sharing the file (the scale-out test) both appended at once and left a malformed line,
    // after which every vault job and every read of the ledger failed. An instance per writer stands for a process:
    // the file lock, not the instance's own lock, must keep them apart.
    [Fact]
    public async Task Append_FromTwoInstancesAtOnce_EveryEntryKeptNoLineTorn()
    {
        var path = NewPath();
        var writers = new[] { new ErasureLedger(path), new ErasureLedger(path) };
        var reader = new ErasureLedger(path);
        var appended = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                var batch = Enumerable.Range(0, 3).Select(_ => Entry(VaultCrypto.NewDataKey())).ToList();
                writers[t % 2].Append(batch);
                foreach (var e in batch) appended.Add(e.Key);
                if (i % 5 == 0) reader.Entries.Count.ShouldBeGreaterThan(0); // reading while others write
            }
        }, TestContext.Current.CancellationToken)));
        var keys = new ErasureLedger(path).Entries.Select(e => e.Key).ToHashSet();
        keys.Count.ShouldBe(appended.Count);
        keys.SetEquals(appended).ShouldBeTrue();
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
