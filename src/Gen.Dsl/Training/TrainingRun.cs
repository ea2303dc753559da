using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

public sealed partial class Trainer
{
    /// <summary>
    /// One call of <see cref="Fit(Func{int, IEnumerable{torch.Tensor}}, torch.Tensor?, IProgress{TrainingProgress}?, CancellationToken)"/>:
    /// the state a run carries from step to step and epoch to epoch (history, best epoch, stop rule, the last good
    /// state, the resume folder), and the run in four parts: resuming, a step, the end of an epoch, the end of the run.
    /// </summary>
    private sealed class TrainingRun : IDisposable
    {
        private readonly Trainer trainer;
        private readonly TrainingOptions options;
        private readonly torch.Tensor? validation;
        private readonly IProgress<TrainingProgress>? progress;
        private readonly CancellationToken cancellation;
        private readonly bool trusted;
        private readonly bool trustedValidation;
        private readonly IReadOnlyList<StopRule> rules;
        private readonly bool stepRules;
        private readonly Parameter[] parameters;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<double> trainLosses = new();
        private readonly List<double> validLosses = new();
        private readonly ResumeFolder? resume;
        private readonly torch.Generator global = torch.Generator.Default;
        private readonly torch.Generator?[] generators;
        private readonly LastGoodState lastGood;
        private readonly ProgressWindow window = new();
        private long totalSteps;
        private TrainingSnapshot? best;
        private double bestValid = double.PositiveInfinity;
        private int bestEpoch;
        private long step;
        private StopRule? stoppedBy;
        private int firstEpoch = 1;
        private TimeSpan before = TimeSpan.Zero;
        private TimeSpan? lastSave;
        private torch.Tensor? finalBatch;

        public TrainingRun(Trainer trainer, long? batchesPerEpoch, torch.Tensor? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellation, torch.Generator? order,
            bool trusted, bool trustedValidation)
        {
            this.trainer = trainer;
            options = trainer.options;
            this.validation = validation;
            this.progress = progress;
            this.cancellation = cancellation;
            this.trusted = trusted;
            this.trustedValidation = trustedValidation;
            totalSteps = batchesPerEpoch is long b ? b * options.Epochs : 0;
            rules = options.Rules();
            stepRules = rules.Any(r => r.ChecksSteps);
            parameters = trainer.model.parameters().ToArray();
            if (options.LearningRate is null)
            {
                CheckedRate(trainer.optimizer.LearningRate, "the optimizer's learning rate is {0}");
            }

            resume = options.ResumeDirectory is string directory ? new ResumeFolder(directory) : null;
            generators = new[] { order, global }.Concat(trainer.Generators).ToArray();
            try
            {
                Resume();
                lastGood = new LastGoodState(trainer.model, trainer.optimizer, options.CheckpointPath, resume, firstEpoch - 1);
            }
            catch
            {
                best?.Dispose();
                window.Dispose();
                global.Dispose();
                throw;
            }
        }

        private TimeSpan Elapsed() => before + clock.Elapsed;

        private TrainingState State(int epoch) => new(epoch, step, Elapsed(), trainLosses, validLosses, bestEpoch);

        // Where a saved run stopped: its weights and optimizer state, its best epoch's weights, history and generators.
        private void Resume()
        {
            if (resume?.Latest() is not var (saved, folder))
            {
                return;
            }

            resume.Load(folder, saved, trainer.model, trainer.optimizer, rules.Count == 0 ? null : () => best = new TrainingSnapshot(trainer.model, null, saved.BestEpoch));
            (firstEpoch, step, bestValid, bestEpoch, before) = (saved.Epoch + 1, saved.Step, saved.BestValidation, saved.BestEpoch, TimeSpan.FromSeconds(saved.ElapsedSeconds));
            trainLosses.AddRange(saved.TrainLosses);
            validLosses.AddRange(saved.ValidationLosses);
            lastSave = before;
            trainer.RestoreGenerators(generators, saved.Generators, folder);
            stoppedBy = rules.FirstOrDefault(r => r.StopsAfterEpoch(State(saved.Epoch)));
        }

        public TrainingResult Execute(Func<int, IEnumerable<torch.Tensor>> epochBatches)
        {
            for (int epoch = firstEpoch; epoch <= options.Epochs && stoppedBy is null; epoch++)
            {
                torch.Tensor? epochSum = null;
                long batchesDone = 0, examplesDone = 0;
                foreach (var batch in epochBatches(epoch))
                {
                    if (epochSum is null)
                    {
                        epochSum = torch.zeros(1, dtype: torch.float64, device: batch.device);
                        epochSum.DetachFromDisposeScope();
                    }

                    cancellation.ThrowIfCancellationRequested();
                    Step(epoch, batch, epochSum);
                    batchesDone++;
                    examplesDone += batch.shape[0];
                    if (stepRules)
                    {
                        stoppedBy = rules.FirstOrDefault(r => r.ChecksSteps && r.StopsAfterStep(State(epoch)));
                        if (stoppedBy is not null)
                        {
                            break;
                        }
                    }
                }

                if (epochSum is null)
                {
                    throw new ArgumentException($"training: epoch {epoch} gave no batches.", nameof(epochBatches));
                }

                double epochLoss = epochSum.item<double>() / examplesDone;
                epochSum.Dispose();
                if (totalSteps == 0)
                {
                    // A source of unknown length: from the first epoch's length on, the total is an estimate.
                    totalSteps = batchesDone * options.Epochs;
                }

                EndEpoch(epoch, epochLoss);
            }

            return Finish();
        }

        // One optimizer step on a batch, its loss added to the epoch's sum (weighted by the batch's size).
        private void Step(int epoch, torch.Tensor batch, torch.Tensor epochSum)
        {
            using var scope = torch.NewDisposeScope();
            if (step == 0)
            {
                trainer.Diagnose(batch);
            }

            var optimizer = trainer.optimizer;
            if (options.LearningRate is { } schedule)
            {
                optimizer.LearningRate = CheckedRate(schedule(step), $"TrainingOptions.LearningRate gave {{0}} at step {step}");
            }

            optimizer.ZeroGrad();
            Loss l;
            using (trusted ? CheckedBatches.Trust(batch) : null)
            {
                l = trainer.loss(batch);
            }

            step++;
            if (step % options.CheckFiniteEvery == 0)
            {
                trainer.CheckFinite(l, step, lastGood);
                lastGood.Confirm();
            }

            l.Total.backward();
            bool reporting = step % options.ProgressEvery == 0 && (progress is not null || trainer.Callbacks.Count > 0);
            double? norm = null;
            if (options.ClipGradientNorm is double clip)
            {
                norm = torch.nn.utils.clip_grad_norm_(parameters, clip);
            }
            else if (reporting)
            {
                norm = GradientNorm(parameters);
            }

            double rate = optimizer.LearningRate;
            optimizer.Step();
            (trainer.model as IAfterOptimizerStep)?.AfterOptimizerStep();
            if (validation is null && (epoch == options.Epochs || stepRules))
            {
                // Kept to score the weights this run ends with, which no later step would (see Finish).
                finalBatch?.Dispose();
                finalBatch = batch.detach().clone();
                finalBatch.DetachFromDisposeScope();
            }

            using (torch.no_grad())
            {
                // Weighted by batch size: a smaller last batch counts for its examples, not as a whole batch.
                epochSum.add_(l.Total.detach().to_type(torch.float64), alpha: batch.shape[0]);
                window.Add(l, batch.shape[0]);
            }

            if (reporting)
            {
                trainer.Report(progress, window.Report(epoch, step, totalSteps, null, Elapsed(), endOfEpoch: false) with { LearningRate = rate, GradientNorm = norm });
            }
        }

        // The end of an epoch: its loss checked, validation and the best epoch, reports and callbacks, the stop rules,
        // and its weights proposed as the last good state (with the resume record when one is due).
        private void EndEpoch(int epoch, double epochLoss)
        {
            if (!double.IsFinite(epochLoss))
            {
                trainer.CheckFinite(new Loss(torch.tensor(epochLoss)), step, lastGood);
            }

            if (trainer.NonFiniteState() is string name)
            {
                lastGood.Restore();
                throw TrainingDivergedException.InParameters(step, name, lastGood.Epoch);
            }

            trainLosses.Add(epochLoss);
            double? valid = null;
            bool isBest = false;
            if (validation is not null)
            {
                valid = trainer.Evaluate(validation, trustedValidation);
                validLosses.Add(valid.Value);
                if (valid.Value < bestValid)
                {
                    bestValid = valid.Value;
                    bestEpoch = epoch;
                    isBest = true;
                    best?.Dispose();
                    best = rules.Count == 0 ? null : new TrainingSnapshot(trainer.model, null, epoch);
                }
            }
            else
            {
                bestEpoch = epoch;
            }

            var report = window.Report(epoch, step, totalSteps, valid, Elapsed(), endOfEpoch: true) with { LearningRate = trainer.optimizer.LearningRate };
            trainer.Report(progress, report);
            trainer.AfterEpoch?.Invoke(epoch, isBest);
            foreach (var callback in trainer.Callbacks)
            {
                callback.OnEpochEnd(new TrainingEpoch(epoch, step, epochLoss, valid, isBest || validation is null, trainer.model));
            }

            stoppedBy ??= rules.FirstOrDefault(r => r.StopsAfterEpoch(State(epoch)));

            // After the callbacks, which may draw from the global generator: the saved state is the one the next
            // epoch starts from.
            Func<string>? writeResume = null;
            if (resume is not null && (stoppedBy is not null || epoch == options.Epochs || lastSave is not TimeSpan last || Elapsed() - last >= (options.ResumeInterval ?? TimeSpan.Zero)))
            {
                lastSave = Elapsed();
                var record = new ResumeRecord(epoch, step, Elapsed().TotalSeconds, trainLosses.ToArray(), validLosses.ToArray(), bestValid, bestEpoch,
                    best is not null && bestEpoch != epoch, generators.Select(g => SaveGenerator(g)).ToArray());
                // The best weights as they are when the record is written (once these weights are confirmed).
                writeResume = () => resume.Write(record, trainer.model, trainer.optimizer, record.HasBestWeights ? best : null);
            }

            lastGood.Propose(epoch, save: validation is null || isBest, writeResume);
            if (valid is double v && double.IsFinite(v))
            {
                // A finite validation loss was computed at these weights: they are good.
                lastGood.Confirm();
            }
        }

        // The end of the run: the last weights confirmed, the best epoch's weights put back, the result.
        private TrainingResult Finish()
        {
            // The last epoch's weights: no later step scores them, so without a validation loss that confirmed them their
            // loss on the last batch is computed once more, as the next epoch's first step would; a last step that broke
            // them with a finite loss of its own is caught here, and they never reach the checkpoint.
            if (lastGood.HasPending && finalBatch is not null)
            {
                // With autograd on, as in training: a loss may update something of its own (an adversary's critic).
                using var scope = torch.NewDisposeScope();
                using var checkedBatch = trusted ? CheckedBatches.Trust(finalBatch) : null;
                trainer.CheckFinite(trainer.loss(finalBatch), step, lastGood);
            }

            lastGood.Confirm();
            if (best is not null && bestEpoch != trainLosses.Count)
            {
                best.Restore(trainer.model);
            }
            else if (validation is not null && best is null)
            {
                bestEpoch = trainLosses.Count;
            }

            return new TrainingResult(trainLosses.Count, step, trainLosses, validLosses, bestEpoch, stoppedBy is not null and not TimeLimitRule, stoppedBy is TimeLimitRule, Elapsed())
            {
                StoppedBy = stoppedBy,
            };
        }

        public void Dispose()
        {
            best?.Dispose();
            finalBatch?.Dispose();
            window.Dispose();
            lastGood.Dispose();
            global.Dispose();
        }
    }
}
