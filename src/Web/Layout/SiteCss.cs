namespace ClpMailGateway.Web.Layout;

/// <summary>The one stylesheet, served by the app itself (nothing is fetched from elsewhere).</summary>
internal static class SiteCss
{
    public const string Text = """
        :root { --fg: #1b1f24; --muted: #56606b; --line: #d7dce1; --bg: #ffffff; --soft: #f4f6f8; --accent: #0b5cad; --accent-fg: #ffffff; --warn-bg: #fff4e5; --warn-line: #c76a00; --ok-bg: #e9f7ef; --ok-line: #1e7b45; --err-bg: #fdecec; --err-line: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; z-index: 10; }
        .skip:focus { left: .5rem; }
        header.site { background: #102a43; color: #fff; }
        header.site .bar { max-width: 52rem; margin: 0 auto; padding: .6rem 1rem; display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1.2rem; }
        header.site a { color: #fff; text-decoration: none; }
        header.site a:hover { text-decoration: underline; }
        .brand { font-weight: 700; }
        header.site nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
        .signout { margin-left: auto; display: flex; align-items: center; gap: .5rem; }
        .who { color: #cbd5e1; font-size: .9rem; }
        button.link { background: none; border: 1px solid #9fb3c8; color: #fff; border-radius: 4px; padding: .15rem .6rem; font: inherit; font-size: .9rem; cursor: pointer; }
        main { display: block; max-width: 52rem; margin: 0 auto; padding: 1rem; }
        main:focus { outline: none; }
        footer.site { max-width: 52rem; margin: 2rem auto 1rem; padding: 0 1rem; color: var(--muted); font-size: .85rem; }
        h1 { font-size: 1.5rem; margin: .6rem 0 .8rem; line-height: 1.25; }
        h1 .sub { display: block; font-size: .95rem; font-weight: 400; color: var(--muted); }
        h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
        .muted { color: var(--muted); }
        h2 .muted { font-weight: 400; font-size: .9rem; }
        .panel > h2:first-child { margin-top: 0; }
        .crumbs { font-size: .9rem; color: var(--muted); }
        .crumbs ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; }
        .crumbs li + li::before { content: "›"; margin-right: .3rem; }
        label { display: block; font-weight: 600; margin: .6rem 0 .25rem; }
        input[type=text], input[type=email], input[type=search], select, textarea { width: 100%; font: inherit; padding: .5rem .6rem; border: 1px solid #8a96a3; border-radius: 6px; background: #fff; color: var(--fg); }
        textarea { min-height: 6rem; resize: vertical; }
        input[type=file] { font: inherit; max-width: 100%; }
        .hint { font-size: .85rem; color: var(--muted); margin: .2rem 0 0; }
        button, .button { display: inline-block; font: inherit; font-weight: 600; background: var(--accent); color: var(--accent-fg); border: 0; border-radius: 6px; padding: .5rem 1rem; cursor: pointer; text-decoration: none; }
        button.secondary { background: var(--soft); color: var(--fg); border: 1px solid var(--line); }
        .row { display: flex; gap: .5rem; align-items: stretch; }
        .row input { flex: 1; min-width: 0; }
        .actions { margin-top: .8rem; display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; }
        .notice { border-left: 4px solid var(--ok-line); background: var(--ok-bg); padding: .6rem .8rem; margin: .8rem 0; border-radius: 4px; }
        .notice.warn { border-color: var(--warn-line); background: var(--warn-bg); }
        .notice.error { border-color: var(--err-line); background: var(--err-bg); }
        .notice p { margin: .2rem 0; }
        .panel { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin: .8rem 0; background: #fff; }
        details.panel > summary { cursor: pointer; font-weight: 600; }
        ul.cards, ol.messages { list-style: none; margin: 0; padding: 0; }
        ul.cards li { border: 1px solid var(--line); border-radius: 8px; margin: .5rem 0; }
        ul.cards a.card { display: block; padding: .7rem 1rem; text-decoration: none; color: var(--fg); }
        ul.cards a.card:hover { background: var(--soft); }
        ul.cards .name { font-weight: 600; color: var(--accent); }
        ul.cards .meta { display: block; font-size: .9rem; color: var(--muted); }
        ol.messages > li { border-bottom: 1px solid var(--line); padding: .8rem 0; }
        ol.messages > li:target { background: #fffbe6; }
        .msg-head { display: flex; flex-wrap: wrap; gap: .2rem .6rem; align-items: baseline; font-size: .92rem; }
        .msg-head .author { font-weight: 700; font-size: 1rem; }
        .msg-head time { color: var(--muted); }
        .badge { display: inline-block; font-size: .75rem; border-radius: 999px; padding: 0 .5rem; border: 1px solid var(--line); color: var(--muted); background: var(--soft); }
        .badge.email { border-color: #b6d4f2; background: #eef5fc; color: #0b4a8b; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0 0; }
        ul.files { list-style: none; margin: .4rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
        ul.files a { display: inline-block; border: 1px solid var(--line); border-radius: 6px; padding: .15rem .6rem; font-size: .9rem; text-decoration: none; background: var(--soft); overflow-wrap: anywhere; }
        mark { background: #ffe066; color: inherit; padding: 0 .1em; border-radius: 2px; }
        .pager { margin: 1rem 0; }
        ul.plain { list-style: none; padding: 0; margin: .4rem 0; }
        ul.plain > li { padding: .3rem 0; overflow-wrap: anywhere; }
        form.inline { display: inline; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
        th, td button { overflow-wrap: normal; white-space: nowrap; }
        .table-wrap { overflow-x: auto; }
        fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .6rem 1rem 1rem; }
        legend { font-weight: 700; padding: 0 .3rem; }
        .check { display: flex; gap: .5rem; align-items: center; font-weight: 400; margin: .35rem 0; }
        .check input { width: 1.15rem; height: 1.15rem; }
        .grid { display: grid; grid-template-columns: 1fr; gap: 0 1rem; }
        @media (min-width: 40rem) { .grid { grid-template-columns: repeat(3, 1fr); } }
        ul.accounts { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: 1fr; gap: .5rem; }
        @media (min-width: 40rem) { ul.accounts { grid-template-columns: 1fr 1fr; } }
        ul.accounts button { width: 100%; text-align: left; background: var(--soft); color: var(--fg); border: 1px solid var(--line); font-weight: 400; }
        ul.accounts button strong { display: block; }
        pre.trace { white-space: pre-wrap; background: var(--soft); padding: .6rem; border-radius: 6px; font-size: .85rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
        dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        """;
}
