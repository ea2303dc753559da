using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The running means of the loss and its terms between a <see cref="Trainer"/>'s progress reports, weighted by batch
/// size and kept on the device until a report reads them (one read-back per report, none per step).
/// </summary>
internal sealed class ProgressWindow : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> terms = new();
    private torch.Tensor? total;
    private long batches;
    private long examples;
    private TimeSpan since;
    private (double Mean, Dictionary<string, double> Means, double Rate) previous = (double.NaN, new(), 0);

    public void Add(Loss l, long batchSize)
    {
        // Weighted by batch size, as the epoch's loss is.
        total = Accumulate(total, l.Total, batchSize);
        foreach (var (name, value) in l.Terms)
        {
            terms[name] = Accumulate(terms.GetValueOrDefault(name), value, batchSize);
        }

        batches++;
        examples += batchSize;
    }

    public TrainingProgress Report(int epoch, long step, long totalSteps, double? valid, TimeSpan elapsed, bool endOfEpoch)
    {
        // No step since the last report (an epoch that ends on a reporting step): repeat that report's figures.
        if (batches == 0)
        {
            previous = (previous.Mean, new Dictionary<string, double>(previous.Means), previous.Rate);
        }
        else
        {
            double seconds = (elapsed - since).TotalSeconds;
            previous = (total!.item<double>() / examples, terms.ToDictionary(kv => kv.Key, kv => kv.Value.item<double>() / examples), seconds > 0 ? examples / seconds : 0);
        }

        var (mean, means, rate) = previous;
        var remaining = step > 0 && totalSteps > step ? TimeSpan.FromSeconds(elapsed.TotalSeconds / step * (totalSteps - step)) : TimeSpan.Zero;
        total?.Dispose();
        total = null;
        foreach (var t in terms.Values)
        {
            t.Dispose();
        }

        terms.Clear();
        batches = 0;
        examples = 0;
        since = elapsed;
        return new TrainingProgress(epoch, step, totalSteps, mean, means, valid, rate, elapsed, remaining, endOfEpoch);
    }

    public void Dispose()
    {
        total?.Dispose();
        foreach (var t in terms.Values)
        {
            t.Dispose();
        }
    }

    private static torch.Tensor Accumulate(torch.Tensor? sum, torch.Tensor value, long weight)
    {
        var v = value.detach().to_type(torch.float64).reshape(1) * weight;
        if (sum is null)
        {
            var s = v.clone();
            s.DetachFromDisposeScope();
            return s;
        }

        sum.add_(v);
        return sum;
    }
}
