using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The batch being scored on this thread, drawn unchanged from a data set the model accepted whole
/// (<see cref="IChecksData.Accepts"/>): a model skips its value check for exactly that tensor object. Anything made from
/// it (a view, a copy, a transformed batch) is another object and is checked. <see cref="Trainer"/> does this for the
/// batches of a data set it was given; a training loop of your own can do the same:
/// <code>
/// if (model.Accepts(train)) { /* for each batch drawn from train: */ using (CheckedBatches.Trust(batch)) { loss = -model.LogProb(batch).mean(); } }
/// </code>
/// </summary>
public static class CheckedBatches
{
    [ThreadStatic]
    private static torch.Tensor? current;

    /// <summary>
    /// Marks <paramref name="batch"/>, a batch drawn unchanged from a data set the model accepted, as checked on this
    /// thread until the returned scope ends. Mark only such batches: a model does not check a marked batch's values.
    /// </summary>
    /// <param name="batch">The batch, the very tensor object the model will be given.</param>
    public static IDisposable Trust(torch.Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var previous = current;
        current = batch;
        return new Scope(previous);
    }

    /// <summary>Value checks skipped on this thread so far because their batch was marked (for tests).</summary>
    [ThreadStatic]
    internal static long Skipped;

    /// <summary>Whether <paramref name="x"/> is the batch marked as checked on this thread (a model then skips its value check).</summary>
    internal static bool IsTrusted(torch.Tensor x)
    {
        if (current is null || !ReferenceEquals(x, current))
        {
            return false;
        }

        Skipped++;
        return true;
    }

    /// <summary>Whether <paramref name="check"/> passes, as an answer rather than an exception (for <see cref="IChecksData.Accepts"/>).</summary>
    internal static bool Passes(Action check)
    {
        try
        {
            check();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or GenShapeException)
        {
            return false;
        }
    }

    private sealed class Scope(torch.Tensor? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
