using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>
/// Files that are not what a checkpoint reader expects — forged counts, directories, endless devices, pipes — and
/// saves that fail: every failure is a <see cref="GenCheckpointException"/> (or, for a save, an
/// <see cref="IOException"/>) naming the file asked for, within a second and without allocating what the file claims.
/// </summary>
[Collection(TimedRefusals.Name)]
public sealed class HostileFileTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_forged_count_of_optimizer_parameter_names_is_refused_before_it_is_allocated()
    {
        var path = SavedFlowWithOptimizer();
        var parts = CheckpointFile.Parse(File.ReadAllBytes(path), path);
        var block = parts.Optimizer!.Value.ToArray();
        // The block opens with a 7-bit encoded count: replace it by 2^31 − 1, keeping everything after it.
        using var reader = new BinaryReader(new MemoryStream(block));
        reader.Read7BitEncodedInt64();
        var rest = block[(int)reader.BaseStream.Position..];
        using var forged = new MemoryStream();
        using (var writer = new BinaryWriter(forged, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(int.MaxValue);
            writer.Write(rest);
        }

        Rewrite(path, parts.Json, parts.Weights, forged.ToArray());
        using var model = CheckpointModels.FlowSpec().Compile(Device.Cpu, seed: 1);
        var e = Refused(() => Model.LoadOptimizer(path, model));
        Assert.Equal(CheckpointError.Corrupted, e.Error);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"{int.MaxValue} parameter names", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_not_a_checkpoint_file()
    {
        var folder = CheckpointModels.Folder();
        foreach (Action load in Loads(folder))
        {
            var e = Refused(load);
            Assert.Equal(CheckpointError.Unreadable, e.Error);
            Assert.Equal(folder, e.File);
            Assert.Contains("a directory", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_endless_device_is_refused_before_it_is_read()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        foreach (Action load in Loads("/dev/zero"))
        {
            var e = Refused(load);
            Assert.Equal(CheckpointError.Unreadable, e.Error);
            Assert.Contains("/dev/zero", e.Message, StringComparison.Ordinal);
            Assert.Contains("character device", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_named_pipe_is_refused_before_it_is_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Opening a FIFO for reading waits until something opens it for writing: a reader that opened it would hang.
        var fifo = Path.Combine(CheckpointModels.Folder(), "pipe.ckpt");
        Assert.Equal(0, MakeFifo(fifo, Convert.ToUInt32("600", 8)));
        foreach (Action load in Loads(fifo))
        {
            var e = Refused(load);
            Assert.Equal(CheckpointError.Unreadable, e.Error);
            Assert.Contains("FIFO", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_file_is_an_unreadable_checkpoint_naming_it()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "absent.ckpt");
        foreach (Action load in Loads(path))
        {
            var e = Refused(load);
            Assert.Equal(CheckpointError.Unreadable, e.Error);
            Assert.Equal(path, e.File);
            Assert.IsType<FileNotFoundException>(e.InnerException);
        }
    }

    [Fact]
    public void A_save_that_cannot_create_its_file_names_the_target_not_the_temporary_file()
    {
        using var model = CheckpointModels.Build("nade");
        var target = Path.Combine(CheckpointModels.Folder(), "no-such-folder", "model.ckpt");
        var e = Assert.Throws<IOException>(() => Model.Save(target, model));
        Assert.StartsWith(target, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);

        var folder = CheckpointModels.Folder();
        e = Assert.Throws<IOException>(() => Model.Save(folder, model));
        Assert.StartsWith(folder, e.Message, StringComparison.Ordinal);
        Assert.Contains("directory", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Weights_and_optimizer_state_stream_to_the_file_and_back_in_pieces()
    {
        // The same bytes as before streaming (the pinned-file tests hold them to the version 1 layout); here a model
        // with an optimizer goes through save and load, optimizer included, from the file rather than from memory.
        var path = SavedFlowWithOptimizer();
        using var model = Model.Load<FlowModel>(path, Device.Cpu);
        using var adam = Model.LoadOptimizer(path, model);
        var again = Path.Combine(CheckpointModels.Folder(), "again.ckpt");
        Model.Save(again, model, adam);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    /// <summary>Every way of reading a checkpoint, for a path.</summary>
    private static Action[] Loads(string path) => new Action[]
    {
        () => Model.Load(path, Device.Cpu),
        () => Model.ReadSpec(path),
        LoadOptimizer(path),
    };

    /// <summary>
    /// The <see cref="GenCheckpointException"/> <paramref name="load"/> throws, which it must throw within a few seconds
    /// (it runs on another thread, so that a reader that hangs fails the test instead of stopping the run).
    /// </summary>
    // The model is built before the load is timed: only the refusal counts.
    private static Action LoadOptimizer(string path)
    {
        var model = CheckpointModels.FlowSpec().Compile(Device.Cpu, seed: 2);
        return () => Model.LoadOptimizer(path, model);
    }

    private static GenCheckpointException Refused(Action load)
    {
        var work = TimeSpan.Zero;
        var task = Task.Run(() =>
        {
            try
            {
                TimedRefusals.CpuTime(load);
            }
            finally
            {
                work = TimedRefusals.Last;
            }
        });
        Assert.True(task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(Quickly), $"still reading after {Quickly.TotalSeconds} s");
        var error = task.Exception?.InnerException ?? throw new Xunit.Sdk.XunitException("the load succeeded");
        Assert.True(work < TimeSpan.FromSeconds(1), $"refused only after {work.TotalSeconds:F1} s of work");
        return Assert.IsType<GenCheckpointException>(error);
    }

    private static string SavedFlowWithOptimizer()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "flow.ckpt");
        using var model = CheckpointModels.FlowSpec().Compile(Device.Cpu, seed: 1);
        using var adam = new FusedAdam(model.parameters(), learningRate: 0.01);
        using var g = Seed.Generator(4);
        using (var scope = torch.NewDisposeScope())
        {
            adam.ZeroGrad();
            (-model.LogProb(torch.randn(new long[] { 16, 4 }, generator: g)).mean()).backward();
            adam.Step();
        }

        Model.Save(path, model, adam);
        return path;
    }

    private static void Rewrite(string path, ArraySegment<byte> json, ArraySegment<byte> weights, byte[] optimizer)
    {
        using var file = File.Create(path);
        CheckpointFile.Write(file, json, weights, optimizer);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
