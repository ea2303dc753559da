using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>Which temporary files of a target are stale: those whose writers are gone, and only those.</summary>
public sealed class StaleTemporariesTests
{
    [Fact]
    public void Only_temporaries_of_the_same_target_whose_writer_is_gone_are_removed()
    {
        var folder = CheckpointModels.Folder();
        var old = DateTime.UtcNow.AddHours(-1);
        int gone = KilledSaveTests.ExitedPid();
        var stale = Temporary(folder, "a.ckpt", gone, old);
        // The pid was reused: a live process has it, but it started after the file was last written.
        var reused = Temporary(folder, "a.ckpt", Environment.ProcessId, Process.GetCurrentProcess().StartTime.ToUniversalTime().AddHours(-1));
        var live = Temporary(folder, "a.ckpt", Environment.ProcessId, DateTime.UtcNow);
        var recent = Temporary(folder, "a.ckpt", gone, DateTime.UtcNow.AddMinutes(-1));
        var otherTarget = Temporary(folder, "b.ckpt", gone, old);
        var notOurs = Path.Combine(folder, ".a.ckpt.123.abc.tmp");
        File.WriteAllBytes(notOurs, new byte[] { 1 });
        File.SetLastWriteTimeUtc(notOurs, old);

        Assert.Equal(2, StaleTemporaries.Remove(folder, "a.ckpt"));

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(reused));
        // A live writer's file, a file written lately (its writer may be on another machine sharing the folder), another
        // target's, and a name that is not a temporary file's are all left alone.
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));

        // Without the minimum age, a gone writer's recent file is stale too, and a live writer's still is not.
        Assert.Equal(1, StaleTemporaries.Remove(folder, "a.ckpt", TimeSpan.Zero));
        Assert.False(File.Exists(recent));
        Assert.True(File.Exists(live));
    }

    /// <summary>A temporary file of a write to <paramref name="target"/> by <paramref name="pid"/>, last written at <paramref name="written"/>.</summary>
    private static string Temporary(string folder, string target, int pid, DateTime written)
    {
        var path = Path.Combine(folder, StaleTemporaries.Name(target, pid, Guid.NewGuid()));
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, written);
        return path;
    }
}
