using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability.Tests.Reference;

/// <summary>One row of reference.json: a quantity of a distribution (or a KL pair) and its 50-digit value rounded to float64.</summary>
internal sealed record ReferenceCase(string Id, string Family, JsonElement Params, string Quantity, JsonElement? At, double[] Expected, double Scale);

/// <summary>
/// The table written by generate.py (mpmath, 50 digits), embedded in the test assembly so the tests need no Python,
/// and the mapping from its family names and parameters to Gen's distributions.
/// </summary>
internal static class ReferenceTable
{
    private static readonly Lazy<IReadOnlyDictionary<string, ReferenceCase>> Table = new(Load);

    internal static IReadOnlyDictionary<string, ReferenceCase> Cases => Table.Value;

    internal static IEnumerable<object[]> Ids(Func<ReferenceCase, bool> which) => Cases.Values.Where(which).Select(c => new object[] { c.Id });

    private static IReadOnlyDictionary<string, ReferenceCase> Load()
    {
        using var stream = typeof(ReferenceTable).Assembly.GetManifestResourceStream("Gen.Probability.Tests.Reference.reference.json")
            ?? throw new InvalidOperationException("reference.json is not embedded in the test assembly.");
        using var reader = new StreamReader(stream);
        using var doc = JsonDocument.Parse(reader.ReadToEnd());
        var cases = new Dictionary<string, ReferenceCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            JsonElement? at = c.TryGetProperty("at", out var a) ? a.Clone() : null;
            cases.Add(id, new ReferenceCase(
                id,
                c.GetProperty("family").GetString()!,
                c.GetProperty("params").Clone(),
                c.GetProperty("quantity").GetString()!,
                at,
                Flatten(c.GetProperty("expected")).ToArray(),
                c.GetProperty("scale").GetDouble()));
        }

        return cases;
    }

    /// <summary>A JSON number, non-finite string ("Infinity", "-Infinity", "NaN") or nested array, flattened in row-major order.</summary>
    internal static IEnumerable<double> Flatten(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Flatten),
        JsonValueKind.String => new[] { double.Parse(e.GetString()!, CultureInfo.InvariantCulture) },
        _ => new[] { e.GetDouble() },
    };

    /// <summary>A float64 tensor of the JSON value's nesting shape (a number gives a scalar).</summary>
    internal static torch.Tensor Tensor(JsonElement e)
    {
        var shape = new List<long>();
        for (var x = e; x.ValueKind == JsonValueKind.Array; x = x[0])
        {
            shape.Add(x.GetArrayLength());
        }

        return torch.tensor(Flatten(e).ToArray(), dtype: torch.float64).reshape(shape.ToArray());
    }

    /// <summary>Gen's distribution for a family name and its parameters, as generate.py names them.</summary>
    internal static IDistribution Build(string family, JsonElement p)
    {
        torch.Tensor P(string name) => Tensor(p.GetProperty(name));
        torch.Tensor? Opt(string name) => p.TryGetProperty(name, out var v) ? Tensor(v) : null;
        int Levels() => p.GetProperty("levels").GetInt32();
        return family switch
        {
            "Normal" => Family.Normal(P("loc"), P("scale")),
            "DiagonalNormal" => Family.DiagonalNormal(P("loc"), P("scale")),
            "Laplace" => Family.Laplace(P("loc"), P("scale")),
            "Logistic" => Family.Logistic(P("loc"), P("scale")),
            "Cauchy" => Family.Cauchy(P("loc"), P("scale")),
            "StudentT" => Family.StudentT(P("df"), P("loc"), P("scale")),
            "Uniform" => Family.Uniform(P("low"), P("high")),
            "Exponential" => Family.Exponential(P("rate")),
            "Gamma" => Family.Gamma(P("concentration"), P("rate")),
            "Beta" => Family.Beta(P("concentration1"), P("concentration0")),
            "Dirichlet" => Family.Dirichlet(P("concentration")),
            "LogNormal" => Family.LogNormal(P("loc"), P("scale")),
            "HalfNormal" => Family.HalfNormal(P("scale")),
            "MultivariateNormal" => Family.MultivariateNormal(P("loc"), P("scaleTril")),
            "LowRankMultivariateNormal" => Family.LowRankMultivariateNormal(P("loc"), P("covarianceFactor"), P("covarianceDiagonal")),
            "Bernoulli" => Family.Bernoulli(logits: Opt("logits"), probs: Opt("probs")),
            "Categorical" => Family.Categorical(logits: Opt("logits"), probs: Opt("probs")),
            "OneHotCategorical" => Family.OneHotCategorical(logits: Opt("logits"), probs: Opt("probs")),
            "Binomial" => Family.Binomial(P("totalCount"), logits: Opt("logits"), probs: Opt("probs")),
            "Poisson" => Family.Poisson(P("rate")),
            "Geometric" => Family.Geometric(logits: Opt("logits"), probs: Opt("probs")),
            "ContinuousBernoulli" => Family.ContinuousBernoulli(logits: Opt("logits"), probs: Opt("probs")),
            "DiscretizedLogistic" => Family.DiscretizedLogistic(P("loc"), P("logScale"), Levels()),
            "DiscretizedLogisticMixture" => Family.MixtureSameFamily(
                Family.Categorical(logits: P("logits")),
                Family.DiscretizedLogistic(P("loc"), P("logScale"), Levels())),
            _ => throw new ArgumentException($"reference.json names a family the tests do not know: {family}.", nameof(family)),
        };
    }

    /// <summary>Gen's value of the case's quantity, flattened.</summary>
    internal static double[] Evaluate(ReferenceCase c)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor result;
        if (c.Family == "KL")
        {
            var p = c.Params.GetProperty("p");
            var q = c.Params.GetProperty("q");
            result = Probability.Kl.Divergence(
                Build(p.GetProperty("family").GetString()!, p.GetProperty("params")),
                Build(q.GetProperty("family").GetString()!, q.GetProperty("params")));
        }
        else
        {
            var d = Build(c.Family, c.Params);
            var at = c.At is { } a ? Tensor(a) : null;
            result = c.Quantity switch
            {
                "log_prob" => d.LogProb(at!),
                "entropy" => d.Entropy(),
                "mean" => d.Mean,
                "variance" => d.Variance,
                "cdf" => Call(d, "Cdf", at!),
                "icdf" => Call(d, "Icdf", at!),
                "log_normalizer" => ((ContinuousBernoulli)d).LogNormalizer(),
                _ => throw new ArgumentException($"unknown quantity {c.Quantity} in {c.Id}."),
            };
        }

        return result.to_type(torch.float64).contiguous().data<double>().ToArray();
    }

    // Cdf and Icdf are members of the families that have them, not of IDistribution.
    private static torch.Tensor Call(IDistribution d, string method, torch.Tensor at) =>
        (torch.Tensor)(d.GetType().GetMethod(method, new[] { typeof(torch.Tensor) })
            ?? throw new MissingMethodException(d.GetType().Name, method)).Invoke(d, new object[] { at })!;
}
