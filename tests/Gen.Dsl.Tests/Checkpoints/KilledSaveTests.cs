using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>
/// A save killed part-way leaves its temporary file behind (<c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c>); the next
/// save to the same target removes those whose writers are gone, so repeated kills do not fill the disk.
/// </summary>
public sealed class KilledSaveTests
{
    [Fact]
    public void A_save_removes_what_killed_saves_of_the_same_target_left_behind()
    {
        var folder = CheckpointModels.Folder();
        var target = Path.Combine(folder, "model.ckpt");
        int gone = ExitedPid();
        var orphans = Enumerable.Range(0, 3).Select(_ => Orphan(folder, "model.ckpt", gone)).ToArray();

        using var model = CheckpointModels.Build("nade");
        Model.Save(target, model);

        Assert.All(orphans, orphan => Assert.False(File.Exists(orphan), $"{orphan} is still there"));
        Assert.Equal(new[] { target }, Directory.GetFiles(folder));
    }

    /// <summary>What a save of <paramref name="target"/> by process <paramref name="pid"/>, killed an hour ago, left behind.</summary>
    private static string Orphan(string folder, string target, int pid)
    {
        var path = Path.Combine(folder, $".{target}.{pid}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        return path;
    }

    /// <summary>The pid of a process that has exited.</summary>
    internal static int ExitedPid()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.Id;
    }
}
