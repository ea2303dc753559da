using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using Tensorboard;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

/// <summary>TensorBoard's event files as the trainer writes them, read back record by record.</summary>
public sealed class TensorBoardLogTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"gen-tensorboard-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_training_run_logs_the_figures_its_progress_reports_show()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 600, Device.Cpu, Seed.Generator(0));
        var (train, valid) = (data[..500], data[500..]);
        using var flow = Flow.RealNvp(2, transforms: 2, 16).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(flow.parameters(), 2e-3);
        var reports = new List<TrainingProgress>();
        string file;
        using (var log = new TensorBoardLog(folder) { EpochImage = e => e.Epoch == 2 ? TinyPng : null })
        {
            file = log.FilePath;
            var trainer = new Trainer(flow, adam, x => -flow.LogProb(x).mean(), new TrainingOptions { Epochs = 2, BatchSize = 50, ProgressEvery = 4 })
            {
                Validation = x => -flow.LogProb(x),
                Callbacks = [log],
            };
            var result = trainer.Fit(train, valid, new Progress(reports.Add));
            Assert.Equal(2, result.ValidationLoss.Count);
        }

        var events = Read(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Where(v => v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue).Select(v => (e.Step, v.Tag, Value: (double)v.SimpleValue))).ToList();
        double[] Logged(string tag) => scalars.Where(s => s.Tag == tag).Select(s => s.Value).ToArray();

        Assert.Equal(reports.Select(r => (double)(float)r.Loss), Logged("loss/train"));
        Assert.Equal(reports.Select(r => r.Step), scalars.Where(s => s.Tag == "loss/train").Select(s => s.Step));
        Assert.Equal(reports.Where(r => r.EndOfEpoch).Select(r => (double)(float)r.ValidationLoss!.Value), Logged("loss/validation"));
        Assert.All(Logged("learning_rate"), lr => Assert.Equal(2e-3, lr, 6));
        var norms = Logged("gradient_norm");
        Assert.Equal(reports.Count(r => r.GradientNorm is not null), norms.Length);
        Assert.All(norms, n => Assert.True(n > 0 && double.IsFinite(n)));
        Assert.Equal(new double[] { 1, 2 }, Logged("epoch"));

        // One histogram per parameter and epoch, holding every value.
        var histograms = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Where(v => v.Histo is not null)).ToList();
        var parameters = flow.named_parameters().ToList();
        Assert.Equal(2 * parameters.Count, histograms.Count);
        foreach (var (name, parameter) in parameters)
        {
            var h = histograms.Last(v => v.Tag == $"parameters/{name}").Histo;
            Assert.Equal(parameter.numel(), (long)h.Num);
            Assert.Equal(parameter.numel(), (long)h.Bucket.Sum());
            Assert.Equal(parameter.min().item<float>(), h.Min, 6);
            Assert.Equal(parameter.max().item<float>(), h.Max, 6);
        }

        var image = Assert.Single(events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Where(v => v.Image is not null)));
        Assert.Equal("samples", image.Tag);
        Assert.Equal((1, 1), (image.Image.Width, image.Image.Height));
        Assert.Equal(TinyPng, image.Image.EncodedImageString.ToByteArray());
    }

    [Fact]
    public void A_torn_last_record_reads_as_the_end_and_bad_input_is_refused()
    {
        string file;
        using (var log = new TensorBoardLog(folder))
        {
            file = log.FilePath;
            log.Scalar("a", 1, 0);
            log.Scalar("a", 2, 1);
            Assert.Throws<ArgumentException>(() => log.Image("picture", new byte[] { 1, 2, 3 }, 0));
        }

        Assert.Equal(3, Read(file).Count);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^3]);
        var kept = Read(file);
        Assert.Equal(2, kept.Count);
        Assert.Equal(1, kept[1].Summary.Value[0].SimpleValue);

        var blocker = Path.Combine(folder, "a-file");
        File.WriteAllText(blocker, "x");
        var e = Assert.Throws<IOException>(() => new TensorBoardLog(Path.Combine(blocker, "run")));
        Assert.Contains("a-file", e.Message);
    }

    [Fact]
    public void The_framing_is_TensorBoards_own_as_TorchSharps_writer_writes_it()
    {
        // TorchSharp's SummaryWriter frames its records as TensorBoard does; its file must read back here record by
        // record with both checksums, and the same records written here must come out byte for byte.
        var theirs = Path.Combine(folder, "torchsharp");
        var writer = torch.utils.tensorboard.SummaryWriter(theirs);
        writer.add_scalar("x", 1.5f, 3);
        var file = System.IO.Directory.GetFiles(theirs).Single();
        var events = Read(file);
        var scalar = events.Single(e => e.Summary is not null).Summary.Value.Single();
        Assert.Equal(("x", 1.5f), (scalar.Tag, scalar.SimpleValue));

        using var copy = new MemoryStream();
        using (var original = File.OpenRead(file))
        {
            while (EventFile.Read(original) is { } record)
            {
                EventFile.Write(copy, record);
            }
        }

        Assert.Equal(File.ReadAllBytes(file), copy.ToArray());
    }

    // A 1×1 RGBA PNG.
    private static readonly byte[] TinyPng = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    private static List<Event> Read(string file)
    {
        using var stream = File.OpenRead(file);
        var events = new List<Event>();
        while (EventFile.Read(stream) is { } record)
        {
            events.Add(Event.Parser.ParseFrom(record));
        }

        return events;
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
