using System.Globalization;
using KpiFunctions.Core.Domain;

namespace KpiFunctions.Core.Catalog;

public sealed partial class KpiCatalog
{
    /// <summary>Roles the weekly review judges, in catalog order.</summary>
    public IReadOnlyList<RoleDefinition> Roles { get; }

    /// <summary>Store stages, in catalog order.</summary>
    public IReadOnlyList<StageDefinition> Stages { get; }

    /// <summary>A role by id.</summary>
    public RoleDefinition Role(string id) =>
        Roles.FirstOrDefault(r => r.Id == id) ?? throw new ArgumentException($"Unknown role '{id}'. Known: {string.Join(", ", Roles.Select(r => r.Id))}.", nameof(id));

    /// <summary>A stage by id, or null when the catalog has no such stage.</summary>
    public StageDefinition? Stage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    /// <summary>The thresholds that judge a KPI at a store: the store's own, else its stage's, else the KPI's (null: no RAG).</summary>
    public RagThresholds? ThresholdsFor(Store store, KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ThresholdsFor(kpi, Stage(store.Stage));
    }

    /// <summary>Where <see cref="ThresholdsFor"/> takes a KPI's thresholds from at a store: "store", "stage" or "catalog".</summary>
    public string ThresholdSource(Store store, KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kpi);
        return store.Thresholds?.ContainsKey(kpi.Id) == true ? "store"
            : Stage(store.Stage)?.For(kpi.Id) is not null ? "stage"
            : "catalog";
    }

    /// <summary>Checks a catalog with roles and stages and returns every problem, each saying where and why.</summary>
    public static IReadOnlyList<string> Validate(
        IReadOnlyList<BaseMeasure> measures,
        IReadOnlyList<KpiDefinition> kpis,
        IReadOnlyList<RoleDefinition> roles,
        IReadOnlyList<StageDefinition> stages)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(stages);
        var problems = new List<string>(Validate(measures, kpis));
        var byId = new Dictionary<string, KpiDefinition>(StringComparer.Ordinal);
        foreach (var k in kpis)
        {
            byId.TryAdd(k.Id, k);
        }

        var roleIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var where = $"role '{role.Id}'";
            CheckHeader(where, role.Id, role.LabelEn, role.LabelZh, roleIds, problems);
            if (role.Kpis.Count == 0)
            {
                problems.Add($"{where}: names no KPI");
            }
            else if (role.Kpis.Count > RoleDefinition.MaxKpis)
            {
                problems.Add($"{where}: names {role.Kpis.Count} KPIs; at most {RoleDefinition.MaxKpis}");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rk in role.Kpis)
            {
                if (!byId.ContainsKey(rk.KpiId))
                {
                    problems.Add($"{where}: '{rk.KpiId}' is not a KPI of the catalog");
                }

                if (!seen.Add(rk.KpiId))
                {
                    problems.Add($"{where}: names '{rk.KpiId}' more than once");
                }

                if (rk.Weight <= 0 || rk.Weight > 1)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: '{rk.KpiId}' has weight {rk.Weight}; a weight is a fraction above 0 and at most 1"));
                }
            }

            var sum = role.Kpis.Sum(k => k.Weight);
            if (role.Kpis.Count > 0 && sum != 1m)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: weights sum to {sum}; they must sum to exactly 1"));
            }
        }

        var stageIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            var where = $"stage '{stage.Id}'";
            CheckHeader(where, stage.Id, stage.LabelEn, stage.LabelZh, stageIds, problems);
            if (string.IsNullOrWhiteSpace(stage.Description))
            {
                problems.Add($"{where}: needs a description");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sk in stage.Kpis)
            {
                if (!seen.Add(sk.KpiId))
                {
                    problems.Add($"{where}: sets '{sk.KpiId}' more than once");
                }

                if (!byId.TryGetValue(sk.KpiId, out var kpi))
                {
                    problems.Add($"{where}: '{sk.KpiId}' is not a KPI of the catalog");
                    continue;
                }

                var t = sk.Thresholds;
                var ordered = kpi.Direction == KpiDirection.HigherIsBetter ? t.Green >= t.Amber : t.Green <= t.Amber;
                if (!ordered)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{where}: {sk.KpiId} green {t.Green} and amber {t.Amber} are the wrong way round for {kpi.Direction}"));
                }
            }
        }

        if (stages.Count > 0 && !stageIds.Contains(StageDefinition.DefaultId))
        {
            problems.Add($"stages: the default stage '{StageDefinition.DefaultId}' (of stores that name none) is missing");
        }

        return problems;
    }

    private static void CheckHeader(string where, string id, string labelEn, string labelZh, HashSet<string> ids, List<string> problems)
    {
        if (!IdPattern().IsMatch(id))
        {
            problems.Add($"{where}: id must be snake_case letters and digits");
        }

        if (!ids.Add(id))
        {
            problems.Add($"{where}: defined more than once");
        }

        if (string.IsNullOrWhiteSpace(labelEn) || string.IsNullOrWhiteSpace(labelZh))
        {
            problems.Add($"{where}: needs both an English and a Chinese label");
        }
    }

    private static RoleDefinition[] DefaultRoles() =>
    [
        new("live_host", "LIVE host", "直播主播", [new("avg_live_watch_time", 0.4m), new("live_gpm", 0.3m), new("live_gmv", 0.3m)]),
        new("ad_buyer", "Ad buyer", "广告投手", [new("roas", 0.4m), new("tacos", 0.35m), new("ad_cost_per_order", 0.25m)]),
        new("customer_service", "Customer service", "客服", [new("response_rate", 0.4m), new("avg_first_response_time", 0.3m), new("negative_review_rate", 0.3m)]),
        new("content", "Content team", "内容团队", [new("video_completion_rate", 0.3m), new("ctr", 0.3m), new("creator_gmv_share", 0.2m), new("gpm", 0.2m)]),
    ];

    // Money KPIs (live_gmv, live_gpm, gpm, ad_cost_per_order) get no stage target: amounts differ by currency and
    // store size, so a store's own thresholds judge them. Stable's thresholds are the catalog's own (the defaults
    // describe an established store); it stresses margin, refunds and service through its focus.
    private static StageDefinition[] DefaultStages() =>
    [
        new("cold_start", "Cold start", "冷启动期", "A new store: content output, traffic and conversion come first; margin and ad efficiency are judged leniently.",
        [
            S("ctr", 2.5m, 2.5m, 1.2m, focus: true),
            S("conversion_rate", 2m, 2m, 1m, focus: true),
            S("add_to_cart_rate", 6m, 6m, 3m, focus: true),
            S("video_completion_rate", 25m, 25m, 12m, focus: true),
            S("avg_live_watch_time", 45m, 45m, 20m, focus: true),
            S("creator_gmv_share", 15m, 15m, 5m),
            S("roas", 2.5m, 2.5m, 1.5m),
            S("tacos", 20m, 20m, 30m),
            S("response_rate", 90m, 90m, 80m),
            S("avg_first_response_time", 120m, 120m, 360m),
            S("negative_review_rate", 3m, 3m, 6m),
            S("refund_rate", 5m, 5m, 8m),
            S("gross_margin", 5m, 5m, -10m),
        ]),
        new("growth", "Growth", "成长期", "A store scaling up: GMV against target and return on ad spend come first.",
        [
            S("gmv_target_attainment", 100m, 100m, 90m, focus: true),
            S("roas", 4m, 4m, 2.5m, focus: true),
            S("tacos", 12m, 12m, 18m, focus: true),
            S("creator_gmv_share", 25m, 25m, 12m, focus: true),
            S("conversion_rate", 3m, 3m, 1.5m),
            S("ctr", 3m, 3m, 1.5m),
            S("video_completion_rate", 30m, 30m, 15m),
            S("avg_live_watch_time", 60m, 60m, 30m),
            S("response_rate", 95m, 95m, 85m),
            S("avg_first_response_time", 60m, 60m, 240m),
            S("negative_review_rate", 2m, 2m, 5m),
            S("gross_margin", 15m, 15m, 5m),
        ]),
        new(StageDefinition.DefaultId, "Stable", "稳定期", "An established store: margin, refunds and service health come first; judged by the catalog's own thresholds.",
        [
            S("gross_margin", 25m, 25m, 10m, focus: true),
            S("refund_rate", 3m, 3m, 6m, focus: true),
            S("return_rate", 3m, 3m, 6m, focus: true),
            S("negative_review_rate", 2m, 2m, 5m, focus: true),
            S("response_rate", 95m, 95m, 85m, focus: true),
            S("avg_first_response_time", 60m, 60m, 240m, focus: true),
            S("gmv_target_attainment", 100m, 100m, 90m),
            S("roas", 4m, 4m, 2m),
            S("tacos", 10m, 10m, 15m),
            S("ctr", 3m, 3m, 1.5m),
            S("video_completion_rate", 30m, 30m, 15m),
            S("avg_live_watch_time", 60m, 60m, 30m),
            S("creator_gmv_share", 20m, 20m, 10m),
        ]),
    ];

    private static StageKpi S(string kpiId, decimal target, decimal green, decimal amber, bool focus = false) =>
        new(kpiId, target, new RagThresholds(green, amber), focus);
}
