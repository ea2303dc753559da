using System;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>
/// Bijectors that are wrong in ways the first laws could not see, each of which a law must now reject, while the
/// library's correct bijectors still pass.
/// </summary>
public sealed class BijectorLawsCatchWrongComponentsTests
{
    private static torch.Tensor X(int rows, int columns) =>
        torch.linspace(-1.3, 1.7, rows * columns, dtype: torch.float64).reshape(rows, columns);

    /// <summary>Claims event rank 0 but mixes each pair of neighbours: (a, b) ↦ (2a + b, −a + b).</summary>
    private sealed class PairMixing : IBijector
    {
        public int EventRank => 0;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            var pairs = x.reshape(-1, 2);
            var a = pairs[.., 0];
            var b = pairs[.., 1];
            var y = torch.stack(new[] { 2 * a + b, -a + b }, 1).reshape(x.shape);
            // Column sums of the Jacobian are 1 and 2: log 1 and log 2, as a column-sum check would accept.
            var ld = torch.stack(new[] { torch.zeros_like(a), torch.full_like(b, Math.Log(2)) }, 1).reshape(x.shape);
            return new Transformed(y, ld);
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var pairs = y.reshape(-1, 2);
            var u = pairs[.., 0];
            var v = pairs[.., 1];
            var a = (u - v) / 3;
            var b = (u + 2 * v) / 3;
            var x = torch.stack(new[] { a, b }, 1).reshape(y.shape);
            var ld = torch.stack(new[] { torch.zeros_like(a), torch.full_like(b, -Math.Log(2)) }, 1).reshape(y.shape);
            return new Transformed(x, ld);
        }
    }

    /// <summary>Doubles its input but claims to preserve volume.</summary>
    private sealed class FalselyVolumePreserving : IBijector
    {
        public int EventRank => 1;

        public bool IsVolumePreserving => true;

        public Transformed ForwardAndLogDet(torch.Tensor x) => new(x * 2, torch.full(x.shape[..^1], x.shape[^1] * Math.Log(2), dtype: x.dtype));

        public Transformed InverseAndLogDet(torch.Tensor y) => new(y / 2, torch.full(y.shape[..^1], -y.shape[^1] * Math.Log(2), dtype: y.dtype));
    }

    /// <summary>Remembers the last (x, y) it returned and answers the inverse of that very tensor from memory; its own inverse formula is wrong.</summary>
    private sealed class Remembering : IBijector
    {
        private torch.Tensor? lastX;
        private torch.Tensor? lastY;

        public int EventRank => 1;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            lastX = x;
            lastY = x * 2;
            return new Transformed(lastY, torch.full(x.shape[..^1], x.shape[^1] * Math.Log(2), dtype: x.dtype));
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var x = ReferenceEquals(y, lastY) ? lastX! : y * 1.7;
            return new Transformed(x, torch.full(y.shape[..^1], -y.shape[^1] * Math.Log(2), dtype: y.dtype));
        }
    }

    /// <summary>Sums its log-det over the batch as well: one number for all.</summary>
    private sealed class ScalarLogDet : IBijector
    {
        public int EventRank => 1;

        public Transformed ForwardAndLogDet(torch.Tensor x) => new(x * 2, torch.tensor(x.shape[0] * x.shape[^1] * Math.Log(2), dtype: x.dtype));

        public Transformed InverseAndLogDet(torch.Tensor y) => new(y / 2, torch.tensor(-y.shape[0] * y.shape[^1] * Math.Log(2), dtype: y.dtype));
    }

    [Fact]
    public void A_map_that_claims_to_be_elementwise_but_mixes_entries_is_caught()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new PairMixing(), X(3, 4)));
        Assert.Contains("diagonal", e.Message);
        BijectorLaws.All(Elementwise.Tanh, X(3, 4));
    }

    [Fact]
    public void A_false_claim_of_volume_preservation_is_caught()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new FalselyVolumePreserving(), X(3, 4)));
        Assert.Contains("volume-preserving", e.Message);
        BijectorLaws.All(Permutation.Reverse(4), X(3, 4));
    }

    [Fact]
    public void An_inverse_answered_from_memory_is_checked_on_a_copy()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.RoundTrips(new Remembering(), X(3, 4)));
        Assert.Contains("round trip", e.Message);
    }

    [Fact]
    public void A_log_det_of_the_wrong_shape_is_named_as_such()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new ScalarLogDet(), X(3, 4)));
        Assert.Contains("log-det has shape []", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void An_empty_batch_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => BijectorLaws.All(Elementwise.Tanh, torch.zeros(0, 4, dtype: torch.float64)));
        Assert.Contains("non-empty batch", e.Message);
    }
}
