using System;
using System.Threading;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

/// <summary>
/// <see cref="Distribution.AssumeValid"/>: inside the scope, on its thread, nothing is checked or masked; outside it,
/// and on other threads, validation is as the switch says. Runs with the switch on, so in the validation collection.
/// </summary>
[Collection(ValidationCollection.Name)]
public sealed class AssumeValidTests
{
    [Fact]
    public void Inside_the_scope_parameters_are_not_checked_and_values_are_neither_checked_nor_masked()
    {
        Assert.True(Distribution.Validate);
        using (Distribution.AssumeValid())
        {
            // Parameters that validation rejects build without a read-back or an error.
            Assert.True(double.IsNaN(T.A(Family.Bernoulli(logits: T.V(0, double.NaN)).LogProb(T.V(1, 1)))[1]));
            Assert.True(double.IsNaN(T.D(Family.Normal(T.S(0), T.S(-1)).LogProb(T.S(0)))));

            // Values outside the support are neither rejected nor set to −∞: the formula's value comes back as it is.
            // Bernoulli from logits 0 at x = 0.5: log σ((2·0.5 − 1)·0) = −log 2.
            Assert.Equal(new[] { -Math.Log(2), -Math.Log(2) }, T.A(Family.Bernoulli(logits: T.S(0)).LogProb(T.V(1, 0.5))));
            // Exponential(1) at −0.25 through the shared MaskSupport: log 1 − 1·(−0.25).
            Assert.Equal(0.25, T.D(Family.Exponential(T.S(1)).LogProb(T.S(-0.25))), 14);
            Assert.True(double.IsFinite(T.D(Family.DiscretizedLogistic(T.S(0), T.S(0), levels: 4).LogProb(T.S(1.5)))));
        }

        // The same calls after the scope: checked again, with the usual messages.
        Assert.Contains("'logits'", Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: T.V(0, double.NaN))).Message);
        Assert.Contains("'scale'", Assert.Throws<ArgumentException>(() => Family.Normal(T.S(0), T.S(-1))).Message);
        Assert.Contains("value 0.5 ", Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: T.S(0)).LogProb(T.V(1, 0.5))).Message);
        Assert.Contains("value -0.25 ", Assert.Throws<ArgumentException>(() => Family.Exponential(T.S(1)).LogProb(T.S(-0.25))).Message);
        Assert.Contains("value 1.5 ", Assert.Throws<ArgumentException>(() => Family.DiscretizedLogistic(T.S(0), T.S(0), levels: 4).LogProb(T.S(1.5))).Message);
    }

    [Fact]
    public void Valid_values_get_the_same_log_probabilities_inside_the_scope()
    {
        var logits = T.V(-40, -3, 0, 2.5, 35);
        var x = T.V(1, 0, 1, 0, 0);
        var probs = T.V(0, 0.25, 0.5, 0.75, 1);
        var levels = T.V(0, 3, 7, 1, 7);
        var loc = T.V(-0.9, -0.2, 0, 0.4, 0.95);
        var logScale = T.V(-3, -1, 0, -2, -6);
        var outside = new[]
        {
            T.A(Family.Bernoulli(logits: logits).LogProb(x)),
            T.A(Family.Bernoulli(probs: probs).LogProb(x)),
            T.A(Family.DiscretizedLogistic(loc, logScale, levels: 8).LogProb(levels)),
        };
        using var scope = Distribution.AssumeValid();
        Assert.Equal(outside[0], T.A(Family.Bernoulli(logits: logits).LogProb(x)));
        Assert.Equal(outside[1], T.A(Family.Bernoulli(probs: probs).LogProb(x)));
        Assert.Equal(outside[2], T.A(Family.DiscretizedLogistic(loc, logScale, levels: 8).LogProb(levels)));
    }

    [Fact]
    public void Scopes_nest_and_an_exception_inside_one_still_ends_it()
    {
        using (Distribution.AssumeValid())
        {
            using (Distribution.AssumeValid())
            {
            }

            // The inner scope's end leaves the outer one open.
            Family.Normal(T.S(0), T.S(-1));
        }

        Assert.Throws<ArgumentException>(() => Family.Normal(T.S(0), T.S(-1)));
        Action failing = () =>
        {
            using var scope = Distribution.AssumeValid();
            throw new InvalidOperationException("thrown inside the scope");
        };
        Assert.Throws<InvalidOperationException>(failing);
        Assert.Throws<ArgumentException>(() => Family.Normal(T.S(0), T.S(-1)));
    }

    [Fact]
    public void The_scope_belongs_to_its_thread()
    {
        using var scope = Distribution.AssumeValid();
        Family.Normal(T.S(0), T.S(-1)); // not checked here
        Exception? elsewhere = null;
        var thread = new Thread(() => elsewhere = Record.Exception(() => Family.Normal(T.S(0), T.S(-1))));
        thread.Start();
        thread.Join();
        Assert.IsType<ArgumentException>(elsewhere);
    }
}
