using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Tensorboard;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Writes a training run's figures as a TensorBoard event file (<c>tensorboard --logdir DIR</c>): as a
/// <see cref="Trainer"/> callback (<c>Callbacks = [new TensorBoardLog(dir)]</c>) it logs, at every progress report,
/// the training loss and each named term (<c>loss/train</c>, <c>loss/TERM</c>), the learning rate, the gradient norm
/// and the throughput, at every epoch's end the validation loss (<c>loss/validation</c>), histograms of the parameters
/// (<c>parameters/NAME</c>, every <see cref="HistogramEvery"/> epochs) and, when <see cref="EpochImage"/> is set, a
/// picture such as a grid of samples. <see cref="Scalar"/>, <see cref="Histogram"/> and <see cref="Image"/> log
/// anything else, from any loop. Each record is flushed as it is written, so TensorBoard follows a run live and a
/// killed run keeps every record but the one being written.
/// </summary>
public sealed class TensorBoardLog : ITrainingCallback, IDisposable
{
    private readonly object gate = new();
    private readonly FileStream stream;
    private bool disposed;

    /// <summary>Creates <paramref name="directory"/> if needed and a new event file in it.</summary>
    /// <param name="directory">The run's folder (TensorBoard shows one run per folder).</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="IOException">The folder or file cannot be created; the message names the path.</exception>
    public TensorBoardLog(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            Directory = System.IO.Directory.CreateDirectory(directory).FullName;
            long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            FilePath = Path.Combine(Directory, $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid():N}");
            stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or NotSupportedException)
        {
            throw new IOException($"tensorboard: cannot create an event file in '{directory}': {e.Message}", e);
        }

        Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    /// <summary>The run's folder.</summary>
    public string Directory { get; }

    /// <summary>The event file this log writes.</summary>
    public string FilePath { get; }

    /// <summary>Epochs between parameter histograms (1: every epoch; 0: none).</summary>
    public int HistogramEvery { get; init; } = 1;

    /// <summary>
    /// A picture to log at the end of an epoch, as PNG bytes (for example a grid of samples from
    /// <c>Gen.Plots.ImageGrid.Render(...).ToPng()</c>), or null for none; it is given the epoch and the model.
    /// </summary>
    public Func<TrainingEpoch, byte[]?>? EpochImage { get; init; }

    /// <summary>The tag <see cref="EpochImage"/>'s pictures are logged under.</summary>
    public string EpochImageTag { get; init; } = "samples";

    /// <summary>Logs one number.</summary>
    /// <param name="tag">The chart's name, such as <c>loss/train</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The step on the chart's x axis.</param>
    public void Scalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    /// <summary>Logs the distribution of a tensor's values as a histogram of <paramref name="bins"/> equal bins (non-finite values are left out).</summary>
    /// <param name="tag">The chart's name, such as <c>parameters/decoder.output.weight</c>.</param>
    /// <param name="values">Any tensor, on any device.</param>
    /// <param name="step">The step.</param>
    /// <param name="bins">The number of bins.</param>
    public void Histogram(string tag, torch.Tensor values, long step, int bins = 30)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var histogram = new HistogramProto();
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            var flat = values.detach().flatten().to_type(torch.float64).cpu();
            flat = flat.masked_select(flat.isfinite());
            if (flat.numel() == 0)
            {
                return;
            }

            double min = flat.min().item<double>(), max = flat.max().item<double>();
            histogram.Min = min;
            histogram.Max = max;
            histogram.Num = flat.numel();
            histogram.Sum = flat.sum().item<double>();
            histogram.SumSquares = flat.square().sum().item<double>();
            // Equal bins over [min, max] (one unit wide when every value is the same); the maximum falls in the last.
            double width = (max == min ? 1 : max - min) / bins;
            var index = ((flat - min) / width).floor().clamp(0, bins - 1).to_type(torch.int64);
            var counts = torch.bincount(index, minlength: bins).to_type(torch.float64).data<double>().ToArray();
            for (int i = 0; i < bins; i++)
            {
                histogram.BucketLimit.Add(i == bins - 1 ? Math.Max(max, min + width) : min + ((i + 1) * width));
                histogram.Bucket.Add(counts[i]);
            }
        }

        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Histo = histogram });
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    /// <summary>Logs a picture given as PNG bytes (its size is read from the PNG header).</summary>
    /// <param name="tag">The picture's name.</param>
    /// <param name="png">A PNG file's bytes.</param>
    /// <param name="step">The step.</param>
    /// <exception cref="ArgumentException">The bytes are not a PNG file.</exception>
    public void Image(string tag, byte[] png, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(png);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 24 || !png.AsSpan(0, 8).SequenceEqual(signature) || !png.AsSpan(12, 4).SequenceEqual("IHDR"u8))
        {
            throw new ArgumentException($"tensorboard.image '{tag}': the bytes are not a PNG file.", nameof(png));
        }

        var image = new Summary.Types.Image
        {
            Width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            Height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)),
            Colorspace = 4,
            EncodedImageString = ByteString.CopyFrom(png),
        };
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Image = image });
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    /// <inheritdoc/>
    void ITrainingCallback.OnProgress(TrainingProgress report)
    {
        Scalar("loss/train", report.Loss, report.Step);
        foreach (var (name, value) in report.Terms)
        {
            Scalar($"loss/{name}", value, report.Step);
        }

        Scalar("learning_rate", report.LearningRate, report.Step);
        if (report.GradientNorm is double norm)
        {
            Scalar("gradient_norm", norm, report.Step);
        }

        Scalar("examples_per_second", report.ExamplesPerSecond, report.Step);
        if (report.EndOfEpoch && report.ValidationLoss is double valid)
        {
            Scalar("loss/validation", valid, report.Step);
        }
    }

    /// <inheritdoc/>
    void ITrainingCallback.OnEpochEnd(TrainingEpoch epoch)
    {
        Scalar("epoch", epoch.Epoch, epoch.Step);
        if (HistogramEvery > 0 && epoch.Epoch % HistogramEvery == 0)
        {
            foreach (var (name, parameter) in epoch.Model.named_parameters())
            {
                Histogram($"parameters/{name}", parameter, epoch.Step);
            }
        }

        if (EpochImage?.Invoke(epoch) is { } png)
        {
            Image(EpochImageTag, png, epoch.Step);
        }
    }

    /// <summary>Closes the event file.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                stream.Dispose();
            }
        }
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void Write(Event e)
    {
        var bytes = e.ToByteArray();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            EventFile.Write(stream, bytes);
            stream.Flush();
        }
    }
}
