using System.Linq;
using System.Reflection;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

/// <summary>
/// PyTorch takes <c>probs</c> first where Gen takes <c>logits</c> first; a positional call ported from PyTorch must not
/// compile rather than read probabilities as logits.
/// </summary>
public class LogitsByNameTests
{
    [Fact]
    public void Every_constructor_and_factory_with_logits_and_probs_takes_them_by_name_only()
    {
        var methods = typeof(Family).Assembly.GetTypes()
            .SelectMany(t => t.GetConstructors().Cast<MethodBase>().Concat(t.GetMethods(BindingFlags.Public | BindingFlags.Static)))
            .Where(m => m.GetParameters().Any(p => p.Name == "logits") && m.GetParameters().Any(p => p.Name == "probs"))
            .ToList();
        Assert.True(methods.Count >= 18, $"found {methods.Count}");
        Assert.All(methods, m =>
        {
            var parameters = m.GetParameters();
            int logits = System.Array.FindIndex(parameters, p => p.Name == "logits");
            Assert.True(logits > 0 && parameters[logits - 1].ParameterType == typeof(ByName), $"{m.DeclaringType!.Name}.{m.Name} takes logits positionally");
        });
    }

    [Fact]
    public void By_name_both_parameterisations_give_the_same_law()
    {
        var p = torch.tensor(new[] { 0.2, 0.7 }, dtype: torch.float64);
        var fromProbs = Family.Bernoulli(probs: p);
        var fromLogits = Family.Bernoulli(logits: torch.log(p / (1 - p)));
        var x = torch.tensor(new[] { 1.0, 0.0 }, dtype: torch.float64);
        Assert.True(fromProbs.LogProb(x).allclose(fromLogits.LogProb(x), 1e-12, 1e-12));
        Assert.True(Family.Categorical(probs: p / p.sum()).LogProb(torch.tensor(1L)).allclose(torch.tensor(System.Math.Log(0.7 / 0.9), dtype: torch.float64), 1e-12, 1e-12));
    }
}
