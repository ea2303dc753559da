using System;
using System.IO;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Runtime;

public class ElfVersionPatcherTests
{
    private const string Marker = "GLIBCXX_3.4.32";

    private static byte[] RealGlue()
    {
        var path = NativeLibraryLocator.FindGlue(typeof(torch).Assembly);
        Assert.NotNull(path);
        return File.ReadAllBytes(path!);
    }

    [Fact]
    public void The_real_library_requires_the_marker_version_and_never_binds_it()
    {
        var requirements = ElfVersionPatcher.ReadRequirements(RealGlue());
        var marker = Assert.Single(requirements, r => r.Version == Marker);
        Assert.Equal("libstdc++.so.6", marker.File);
        Assert.False(marker.IsWeak);
        Assert.False(marker.IsBound);
        // Sanity of the relocation scan: the C library's base version is certainly bound.
        Assert.Contains(requirements, r => r.Version == "GLIBC_2.2.5" && r.IsBound);
    }

    [Fact]
    public void Weakening_sets_only_the_weak_flag_of_that_version()
    {
        var before = RealGlue();
        var after = ElfVersionPatcher.WeakenVersions(before, new[] { Marker });

        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        var marker = ElfVersionPatcher.ReadRequirements(before).Single(r => r.Version == Marker);
        Assert.Equal(new[] { (int)marker.FlagsOffset }, changed); // flags are little-endian; 0x2 lives in the low byte

        var reqBefore = ElfVersionPatcher.ReadRequirements(before);
        var reqAfter = ElfVersionPatcher.ReadRequirements(after);
        Assert.True(reqAfter.Single(r => r.Version == Marker).IsWeak);
        Assert.Equal(
            reqBefore.Where(r => r.Version != Marker),
            reqAfter.Where(r => r.Version != Marker));
    }

    [Fact]
    public void Weakening_is_idempotent()
    {
        var once = ElfVersionPatcher.WeakenVersions(RealGlue(), new[] { Marker });
        var twice = ElfVersionPatcher.WeakenVersions(once, new[] { Marker });
        Assert.Equal(once, twice);
    }

    [Fact]
    public void A_bound_version_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ElfVersionPatcher.WeakenVersions(RealGlue(), new[] { "GLIBC_2.2.5" }));
        Assert.Contains("GLIBC_2.2.5", e.Message);
        Assert.Contains("relocation", e.Message);
    }

    [Fact]
    public void A_version_the_library_does_not_require_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ElfVersionPatcher.WeakenVersions(RealGlue(), new[] { "GLIBCXX_9.9" }));
        Assert.Contains("GLIBCXX_9.9", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_ELF_gets_a_clear_message()
    {
        var text = System.Text.Encoding.ASCII.GetBytes("#!/bin/sh\necho this is a script, not a shared library\n" + new string(' ', 100));
        var e = Assert.Throws<FormatException>(() => ElfVersionPatcher.ReadRequirements(text));
        Assert.Contains("Not an ELF file", e.Message);
    }

    [Fact]
    public void A_truncated_file_gets_a_clear_message()
    {
        var truncated = RealGlue().AsSpan(0, 4096).ToArray();
        var e = Assert.Throws<FormatException>(() => ElfVersionPatcher.ReadRequirements(truncated));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_32_bit_file_is_named_as_unsupported()
    {
        var bytes = RealGlue().AsSpan(0, 128).ToArray();
        bytes[4] = 1; // ELFCLASS32
        var e = Assert.Throws<FormatException>(() => ElfVersionPatcher.ReadRequirements(bytes));
        Assert.Contains("64-bit", e.Message);
    }
}
