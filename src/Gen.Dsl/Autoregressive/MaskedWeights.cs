using System;
using System.Threading;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Ancestral sampling runs the same masked network once per feature or pixel with weights that cannot change in
/// between. Inside <see cref="Freeze"/>, masked layers multiply each weight by its mask once per draw instead of once
/// per pass; outside it (and whenever gradients are recorded) they multiply on every pass, as training needs.
/// </summary>
internal static class MaskedWeights
{
    [ThreadStatic]
    private static long session;

    private static long next;

    /// <summary>The current draw's identity on this thread, or 0 outside any.</summary>
    public static long Session => session;

    /// <summary>Marks the weights as fixed until the returned value is disposed.</summary>
    public static IDisposable Freeze()
    {
        var previous = session;
        session = Interlocked.Increment(ref next);
        return new Release(previous);
    }

    private sealed class Release(long previous) : IDisposable
    {
        public void Dispose() => session = previous;
    }
}

/// <summary>A masked layer's weight ⊙ mask, kept for the length of one frozen draw.</summary>
internal sealed class MaskedWeightCache
{
    private long session;
    private torch.Tensor? masked;

    public torch.Tensor Get(torch.Tensor weight, torch.Tensor mask)
    {
        long current = MaskedWeights.Session;
        if (current == 0 || torch.is_grad_enabled())
        {
            return weight * mask;
        }

        if (masked is null || session != current)
        {
            masked?.Dispose();
            using var noGrad = torch.no_grad();
            masked = (weight * mask).DetachFromDisposeScope();
            session = current;
        }

        return masked;
    }
}
