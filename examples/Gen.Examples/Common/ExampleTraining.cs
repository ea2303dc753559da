using System;
using System.Globalization;
using Gen.Data;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>What a training run measured: the training loss and the held-out value after every epoch.</summary>
/// <param name="Train">Mean training loss of each epoch.</param>
/// <param name="Test">The held-out value after each epoch.</param>
/// <param name="Seconds">Training time, evaluations included.</param>
public sealed record TrainingResult(Series Train, Series Test, double Seconds)
{
    /// <summary>The held-out value after the last epoch.</summary>
    public double FinalTest => Test.Points[^1].Value;

    /// <summary>"model, N epochs, S s" for the result line.</summary>
    public string Describe(string model) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}, {Train.Points.Count} epoch{(Train.Points.Count == 1 ? "" : "s")}, {Seconds:F0} s");
}

/// <summary>The minibatch loop the examples share: Adam over shuffled batches, a progress bar, and curves.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs. <paramref name="loss"/> maps a batch to the scalar to
    /// minimise, in the unit reported (for example nats per image); <paramref name="evaluate"/> gives the held-out
    /// value after each epoch (no gradient).
    /// </summary>
    public static TrainingResult Run(
        ExampleRun run, int epochs, torch.nn.Module model, torch.Tensor train, int batchSize, double learningRate,
        Func<torch.Tensor, torch.Tensor> loss, Func<double> evaluate, string unit)
    {
        long n = train.shape[0];
        long batchesPerEpoch = (n + batchSize - 1) / batchSize;
        var trainCurve = new Series("train " + unit);
        var testCurve = new Series("held-out " + unit);
        using var optimizer = new FusedAdam(model.parameters(), learningRate);
        var shuffle = Gen.Seed.Generator(run.Seed + 1);
        var bar = new ProgressBar(run.Output, run.Example.Name, epochs * batchesPerEpoch, run.Interactive);
        long step = 0;
        double last = double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            model.train();
            double sum = 0;
            long seen = 0;
            foreach (var batch in Batches.Of(train, batchSize, run.Device, shuffle))
            {
                using var scope = torch.NewDisposeScope();
                var value = loss(batch);
                optimizer.ZeroGrad();
                value.backward();
                optimizer.Step();
                var b = batch.shape[0];
                sum += value.item<float>() * b;
                seen += b;
                step++;
                bar.Report(step, Status(epoch, epochs, sum / seen, last, unit));
            }

            trainCurve.Add(epoch, sum / seen);
            model.eval();
            using (torch.no_grad())
            {
                last = evaluate();
            }

            testCurve.Add(epoch, last);
            bar.Report(step, Status(epoch, epochs, sum / seen, last, unit));
        }

        return new TrainingResult(trainCurve, testCurve, bar.Seconds);
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

    private static string Status(int epoch, int epochs, double train, double test, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}  train {train:F3}  held-out {(double.IsNaN(test) ? "-" : test.ToString("F3", CultureInfo.InvariantCulture))} {unit}");
}
