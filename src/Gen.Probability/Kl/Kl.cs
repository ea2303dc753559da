using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Probability;

/// <summary>
/// KL divergences KL(p ‖ q) = E_p[log p − log q]: a registry of analytic pairs looked up by runtime type (the most
/// derived registered match wins), and a Monte Carlo estimate for everything else.
/// </summary>
public static class Kl
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(Type, Type), Func<IDistribution, IDistribution, torch.Tensor>> Rules = new();
    private static readonly Dictionary<(Type, Type), Func<IDistribution, IDistribution, torch.Tensor>?> Cache = new();

    private static readonly Func<IDistribution, IDistribution, torch.Tensor>? IndependentRule;

    static Kl()
    {
        KlRules.RegisterBuiltIns();
        IndependentRule = Rules[(typeof(Distributions.Independent), typeof(Distributions.Independent))];
    }

    /// <summary>
    /// Registers (or replaces) the analytic KL(p ‖ q) for p of type <typeparamref name="TP"/> and q of type
    /// <typeparamref name="TQ"/>. It also serves subtypes, unless a more specific pair is registered.
    /// </summary>
    public static void Register<TP, TQ>(Func<TP, TQ, torch.Tensor> divergence)
        where TP : IDistribution
        where TQ : IDistribution
    {
        ArgumentNullException.ThrowIfNull(divergence);
        lock (Gate)
        {
            Rules[(typeof(TP), typeof(TQ))] = (p, q) => divergence((TP)p, (TQ)q);
            Cache.Clear();
        }
    }

    /// <summary>
    /// Whether <see cref="Divergence"/> has an analytic answer for <paramref name="p"/> and <paramref name="q"/>: a pair
    /// is registered for their runtime types (and, for two <see cref="Distributions.Independent"/> wrappers under the
    /// built-in rule, for their base distributions, with equal reinterpreted dimensions).
    /// </summary>
    public static bool HasAnalytic(IDistribution p, IDistribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        var rule = Lookup(p.GetType(), q.GetType());
        if (rule is null)
        {
            return false;
        }

        if (ReferenceEquals(rule, IndependentRule) && p is Distributions.Independent ip && q is Distributions.Independent iq)
        {
            return ip.ReinterpretedBatchDims == iq.ReinterpretedBatchDims && HasAnalytic(ip.Base, iq.Base);
        }

        return true;
    }

    /// <summary>The analytic KL(p ‖ q), of the broadcast batch shape.</summary>
    /// <exception cref="NotSupportedException">No analytic pair is registered for these types.</exception>
    public static torch.Tensor Divergence(IDistribution p, IDistribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        var rule = Lookup(p.GetType(), q.GetType())
            ?? throw new NotSupportedException($"No analytic KL divergence is registered for KL({p.GetType().Name} ‖ {q.GetType().Name}). Use Kl.MonteCarlo(p, q, samples) for an estimate, or Kl.Register<{p.GetType().Name}, {q.GetType().Name}>(...) to add one.");
        using var scope = torch.NewDisposeScope();
        return rule(p, q).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The Monte Carlo estimate mean over <paramref name="samples"/> draws x ~ p of log p(x) − log q(x), of the batch
    /// shape. Unbiased; its standard error shrinks as 1/√samples.
    /// </summary>
    public static torch.Tensor MonteCarlo(IDistribution p, IDistribution q, long samples, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "Kl.MonteCarlo needs at least one sample.");
        }

        using var scope = torch.NewDisposeScope();
        var s = p.SampleAndLogProb(new[] { samples }, generator);
        return (s.LogProb - q.LogProb(s.Value)).mean(new long[] { 0 }).MoveToOuterDisposeScope();
    }

    private static Func<IDistribution, IDistribution, torch.Tensor>? Lookup(Type p, Type q)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue((p, q), out var cached))
            {
                return cached;
            }

            // The registered pair nearest to (p, q): smallest total inheritance distance, ties to the nearer p.
            var pChain = Ancestry(p);
            var qChain = Ancestry(q);
            Func<IDistribution, IDistribution, torch.Tensor>? best = null;
            (int Total, int P) bestKey = (int.MaxValue, int.MaxValue);
            foreach (var ((tp, tq), rule) in Rules)
            {
                int i = pChain.IndexOf(tp);
                int j = qChain.IndexOf(tq);
                if (i < 0 || j < 0)
                {
                    continue;
                }

                var key = (i + j, i);
                if (key.CompareTo(bestKey) < 0)
                {
                    best = rule;
                    bestKey = key;
                }
            }

            Cache[(p, q)] = best;
            return best;
        }
    }

    /// <summary>The type, its base classes, then its interfaces.</summary>
    private static List<Type> Ancestry(Type t)
    {
        var chain = new List<Type>();
        for (var c = t; c is not null; c = c.BaseType)
        {
            chain.Add(c);
        }

        chain.AddRange(t.GetInterfaces().Where(i => !chain.Contains(i)));
        return chain;
    }
}
