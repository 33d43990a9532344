using FsCheck;
using FsCheck.Xunit;
using Mamori.Anonymization;

namespace Mamori.Tests.Anonymization;

public sealed class PseudonymizerPropertyTests
{
    private static byte[] Key(byte seed, int salt)
    {
        var key = new byte[32];
        for (var i = 0; i < key.Length; i++) key[i] = (byte)(seed * 31 + i * 7 + salt);
        return key;
    }

    [Property(MaxTest = 200)]
    public bool Pseudonym_SameKey_IsStable(NonEmptyString value, byte seed)
    {
        using var first = new Pseudonymizer(Key(seed, 0), "k1");
        using var second = new Pseudonymizer(Key(seed, 0), "k1");
        return first.Pseudonym("customer", value.Get) == second.Pseudonym("customer", value.Get)
            && first.Pseudonym("customer", value.Get) == first.Pseudonym("customer", value.Get);
    }

    [Property(MaxTest = 200)]
    public bool Pseudonym_DifferentKeys_AreUnlinkable(NonEmptyString value, NonEmptyString other, byte seed)
    {
        using var a = new Pseudonymizer(Key(seed, 0), "a");
        using var b = new Pseudonymizer(Key(seed, 1), "b");
        var pa = a.Pseudonym("customer", value.Get);
        var pb = b.Pseudonym("customer", value.Get);
        // Across keys the same value does not give the same pseudonym, and equality under one key
        // says nothing about the other: a's pseudonym of one value never equals b's of another.
        return pa != pb && a.Pseudonym("customer", other.Get) != pb
            && (value.Get.Normalize(System.Text.NormalizationForm.FormKC) == other.Get.Normalize(System.Text.NormalizationForm.FormKC)
                || a.Pseudonym("customer", other.Get) != pa);
    }
}
