using System;
using System.Globalization;
using Gen.Dsl;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>What a training run measured: the training loss and the held-out value after every epoch.</summary>
/// <param name="Train">Mean training loss of each epoch.</param>
/// <param name="Test">The held-out value after each epoch.</param>
/// <param name="Seconds">Training time, evaluations included.</param>
public sealed record ExampleCurves(Series Train, Series Test, double Seconds)
{
    /// <summary>The held-out value after the last epoch.</summary>
    public double FinalTest => Test.Points[^1].Value;

    /// <summary>"model, N epochs, S s" for the result line.</summary>
    public string Describe(string model) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}, {Train.Points.Count} epoch{(Train.Points.Count == 1 ? "" : "s")}, {Seconds:F0} s");
}

/// <summary>
/// How the examples train: Gen's <see cref="Trainer"/> with Adam over shuffled minibatches, scored on the held-out
/// data after every epoch, with a progress bar and the curves for the pictures.
/// </summary>
public static class ExampleTraining
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs. <paramref name="loss"/> maps a batch to the scalar to minimise, in
    /// the unit reported (for example nats per image); <paramref name="heldOut"/> maps a batch of held-out examples to
    /// their values in that unit (no gradient), averaged over <paramref name="test"/> after each epoch.
    /// </summary>
    public static ExampleCurves Run(
        ExampleRun run, int epochs, torch.nn.Module model, torch.Tensor train, torch.Tensor test, int batchSize, double learningRate,
        Func<torch.Tensor, torch.Tensor> loss, Func<torch.Tensor, torch.Tensor> heldOut, string unit)
    {
        long steps = epochs * ((train.shape[0] + batchSize - 1) / batchSize);
        using var optimizer = new FusedAdam(model.parameters(), learningRate);
        using var tensorBoard = run.OpenTensorBoard();
        var trainer = new Trainer(model, optimizer, batch => loss(batch), new TrainingOptions { Epochs = epochs, BatchSize = batchSize, Seed = run.Seed + 1, ProgressEvery = 10 })
        {
            Validation = heldOut,
            Callbacks = tensorBoard is null ? [] : [tensorBoard],
        };
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        double last = double.NaN;
        model.train();
        var result = trainer.Fit(train, test, new Callback(p =>
        {
            last = p.ValidationLoss ?? last;
            bar.Report(p.Step, string.Create(CultureInfo.InvariantCulture,
                $"epoch {p.Epoch}/{epochs}  train {p.Loss:F3}  held-out {(double.IsNaN(last) ? "-" : last.ToString("F3", CultureInfo.InvariantCulture))} {unit}"));
        }));
        model.eval();
        var trainCurve = new Series("train " + unit);
        var testCurve = new Series("held-out " + unit);
        for (int i = 0; i < result.Epochs; i++)
        {
            trainCurve.Add(i + 1, result.TrainingLoss[i]);
            testCurve.Add(i + 1, result.ValidationLoss[i]);
        }

        return new ExampleCurves(trainCurve, testCurve, result.Elapsed.TotalSeconds);
    }

    /// <summary>Runs <paramref name="trainer"/> on <paramref name="data"/> (no validation) behind a progress bar of the run.</summary>
    public static TrainingResult Fit(ExampleRun run, Trainer trainer, torch.Tensor data, int epochs, int batchSize)
    {
        long steps = epochs * ((data.shape[0] + batchSize - 1) / batchSize);
        var bar = new ProgressBar(run.Output, run.Example.Name, steps, run.Interactive);
        return trainer.Fit(data, null, new Callback(p =>
            bar.Report(p.Step, string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{epochs}  loss {p.Loss:F4}"))));
    }

    /// <summary>The mean over <paramref name="data"/> of a per-example value, computed in chunks without gradient.</summary>
    public static double Mean(Func<torch.Tensor, torch.Tensor> perExample, torch.Tensor data, torch.Device device, int chunk = 1000)
    {
        using var noGrad = torch.no_grad();
        double sum = 0;
        long n = data.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            var part = data.narrow(0, start, Math.Min(chunk, n - start)).to(device);
            sum += perExample(part).sum().to(torch.float64).item<double>();
        }

        return sum / n;
    }

    // Progress<T> would post each report to the thread pool; the bar must be drawn in order, on the training thread.
    private sealed class Callback : IProgress<TrainingProgress>
    {
        private readonly Action<TrainingProgress> report;

        public Callback(Action<TrainingProgress> report) => this.report = report;

        public void Report(TrainingProgress value) => report(value);
    }
}
