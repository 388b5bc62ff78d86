-- Maintained figures facts on PostgreSQL (issue 16 item 5; ballast/figures/facts.py).
--
-- Two fact tables, one row per (city, unit, month), kept up to date by triggers in the
-- transaction of every write of the facts they add up (a report accepted, amended or
-- returned; a stage event recorded, moved or removed, back-dated or not; an annual plan
-- added or removed; a project moved to another unit or its total investment changed).
-- The city code leads every key: the tables are distributed by it under Citus.
--
-- figures_unit_month        accepted reports of the month: all of them, and those of
--                           projects with an annual plan for the month's year (what
--                           "investment.completed_wan" adds up)
-- figures_unit_month_stage  stage events dated in the month, per stage: how many, and the
--                           projects' total investment (what "new.*" adds up)

CREATE TABLE IF NOT EXISTS figures_unit_month (
    city_code varchar(12) NOT NULL,
    unit_id bigint NOT NULL,
    month date NOT NULL,
    planned_investment numeric NOT NULL DEFAULT 0,
    accepted_investment numeric NOT NULL DEFAULT 0,
    accepted_reports integer NOT NULL DEFAULT 0,
    PRIMARY KEY (city_code, unit_id, month)
);
CREATE INDEX IF NOT EXISTS figures_unit_month_by_unit ON figures_unit_month (unit_id, month)
    INCLUDE (planned_investment);

CREATE TABLE IF NOT EXISTS figures_unit_month_stage (
    city_code varchar(12) NOT NULL,
    unit_id bigint NOT NULL,
    month date NOT NULL,
    stage varchar(16) NOT NULL,
    events integer NOT NULL DEFAULT 0,
    investment numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (city_code, unit_id, month, stage)
);
CREATE INDEX IF NOT EXISTS figures_unit_month_stage_by_unit
    ON figures_unit_month_stage (unit_id, month, stage) INCLUDE (events, investment);

-- The code of the city holding a region (a unit, a park under a district); '' if none.
CREATE OR REPLACE FUNCTION figures_city_code(p_unit bigint) RETURNS varchar
LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT c.code FROM regions_region u
        JOIN regions_region c
          ON c.kind = 'city' AND (u.path = c.path OR u.path LIKE c.path || '/%')
        WHERE u.id = p_unit
        ORDER BY c.depth DESC LIMIT 1
    ), '')
$$;

-- One accepted report in (p_sign = 1) or out (-1) of its unit's month.
CREATE OR REPLACE FUNCTION figures_add_report(
    p_project bigint, p_month date, p_amount numeric, p_sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_unit bigint;
    v_planned boolean;
BEGIN
    SELECT unit_id INTO v_unit FROM projects_project WHERE id = p_project;
    IF v_unit IS NULL THEN RETURN; END IF;
    v_planned := EXISTS (
        SELECT 1 FROM projects_annualplan
        WHERE project_id = p_project AND year = extract(year FROM p_month)::integer
    );
    INSERT INTO figures_unit_month AS f
        (city_code, unit_id, month, planned_investment, accepted_investment, accepted_reports)
    VALUES (
        figures_city_code(v_unit), v_unit, p_month,
        CASE WHEN v_planned THEN p_sign * p_amount ELSE 0 END, p_sign * p_amount, p_sign
    )
    ON CONFLICT (city_code, unit_id, month) DO UPDATE SET
        planned_investment = f.planned_investment + EXCLUDED.planned_investment,
        accepted_investment = f.accepted_investment + EXCLUDED.accepted_investment,
        accepted_reports = f.accepted_reports + EXCLUDED.accepted_reports;
END
$$;

-- The accepted reports of one project's year into (1) or out of (-1) the planned sums
-- of unit p_unit (its annual plan for the year was added or removed).
CREATE OR REPLACE FUNCTION figures_add_plan_year(
    p_project bigint, p_unit bigint, p_year integer, p_sign integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_unit IS NULL THEN RETURN; END IF;
    INSERT INTO figures_unit_month AS f (city_code, unit_id, month, planned_investment)
    SELECT figures_city_code(p_unit), p_unit, r.month, p_sign * sum(r.investment)
    FROM reports_monthlyreport r
    WHERE r.project_id = p_project AND r.status = 'accepted'
      AND r.month >= make_date(p_year, 1, 1) AND r.month < make_date(p_year + 1, 1, 1)
    GROUP BY r.month
    ON CONFLICT (city_code, unit_id, month) DO UPDATE SET
        planned_investment = f.planned_investment + EXCLUDED.planned_investment;
END
$$;

-- One stage event in (1) or out (-1) of its unit's month, with the project's total.
CREATE OR REPLACE FUNCTION figures_add_event(
    p_unit bigint, p_stage varchar, p_date date, p_total numeric, p_sign integer
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_unit IS NULL OR p_date IS NULL THEN RETURN; END IF;
    INSERT INTO figures_unit_month_stage AS f (city_code, unit_id, month, stage, events, investment)
    VALUES (
        figures_city_code(p_unit), p_unit, date_trunc('month', p_date)::date, p_stage,
        p_sign, p_sign * coalesce(p_total, 0)
    )
    ON CONFLICT (city_code, unit_id, month, stage) DO UPDATE SET
        events = f.events + EXCLUDED.events,
        investment = f.investment + EXCLUDED.investment;
END
$$;

-- Everything one project adds, under unit p_unit and total p_total, in or out:
-- its accepted reports (when p_reports) and its stage events.
CREATE OR REPLACE FUNCTION figures_add_project(
    p_project bigint, p_unit bigint, p_total numeric, p_sign integer, p_reports boolean
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    e record;
BEGIN
    IF p_unit IS NULL THEN RETURN; END IF;
    IF p_reports THEN
        INSERT INTO figures_unit_month AS f
            (city_code, unit_id, month, planned_investment, accepted_investment, accepted_reports)
        SELECT figures_city_code(p_unit), p_unit, r.month,
               p_sign * coalesce(sum(r.investment) FILTER (WHERE EXISTS (
                   SELECT 1 FROM projects_annualplan a WHERE a.project_id = p_project
                     AND a.year = extract(year FROM r.month)::integer)), 0),
               p_sign * sum(r.investment), p_sign * count(*)
        FROM reports_monthlyreport r
        WHERE r.project_id = p_project AND r.status = 'accepted'
        GROUP BY r.month
        ON CONFLICT (city_code, unit_id, month) DO UPDATE SET
            planned_investment = f.planned_investment + EXCLUDED.planned_investment,
            accepted_investment = f.accepted_investment + EXCLUDED.accepted_investment,
            accepted_reports = f.accepted_reports + EXCLUDED.accepted_reports;
    END IF;
    FOR e IN SELECT stage, date FROM projects_stageevent WHERE project_id = p_project LOOP
        PERFORM figures_add_event(p_unit, e.stage, e.date, p_total, p_sign);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION figures_report_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'accepted' THEN
        PERFORM figures_add_report(OLD.project_id, OLD.month, OLD.investment, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'accepted' THEN
        PERFORM figures_add_report(NEW.project_id, NEW.month, NEW.investment, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION figures_plan_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM figures_add_plan_year(
            OLD.project_id, (SELECT unit_id FROM projects_project WHERE id = OLD.project_id),
            OLD.year, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM figures_add_plan_year(
            NEW.project_id, (SELECT unit_id FROM projects_project WHERE id = NEW.project_id),
            NEW.year, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION figures_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p record;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT unit_id, total_investment INTO p FROM projects_project WHERE id = OLD.project_id;
        IF FOUND THEN
            PERFORM figures_add_event(p.unit_id, OLD.stage, OLD.date, p.total_investment, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT unit_id, total_investment INTO p FROM projects_project WHERE id = NEW.project_id;
        IF FOUND THEN
            PERFORM figures_add_event(p.unit_id, NEW.stage, NEW.date, p.total_investment, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION figures_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved boolean := OLD.unit_id IS DISTINCT FROM NEW.unit_id;
BEGIN
    PERFORM figures_add_project(OLD.id, OLD.unit_id, OLD.total_investment, -1, moved);
    PERFORM figures_add_project(NEW.id, NEW.unit_id, NEW.total_investment, 1, moved);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS figures_report_write ON reports_monthlyreport;
CREATE TRIGGER figures_report_write AFTER INSERT OR DELETE ON reports_monthlyreport
    FOR EACH ROW EXECUTE FUNCTION figures_report_changed();
DROP TRIGGER IF EXISTS figures_report_update ON reports_monthlyreport;
CREATE TRIGGER figures_report_update AFTER UPDATE ON reports_monthlyreport
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.investment IS DISTINCT FROM NEW.investment
        OR OLD.month IS DISTINCT FROM NEW.month OR OLD.project_id IS DISTINCT FROM NEW.project_id
    ) EXECUTE FUNCTION figures_report_changed();

DROP TRIGGER IF EXISTS figures_plan_write ON projects_annualplan;
CREATE TRIGGER figures_plan_write AFTER INSERT OR DELETE ON projects_annualplan
    FOR EACH ROW EXECUTE FUNCTION figures_plan_changed();
DROP TRIGGER IF EXISTS figures_plan_update ON projects_annualplan;
CREATE TRIGGER figures_plan_update AFTER UPDATE ON projects_annualplan
    FOR EACH ROW WHEN (
        OLD.year IS DISTINCT FROM NEW.year OR OLD.project_id IS DISTINCT FROM NEW.project_id
    ) EXECUTE FUNCTION figures_plan_changed();

DROP TRIGGER IF EXISTS figures_event_write ON projects_stageevent;
CREATE TRIGGER figures_event_write AFTER INSERT OR DELETE ON projects_stageevent
    FOR EACH ROW EXECUTE FUNCTION figures_event_changed();
DROP TRIGGER IF EXISTS figures_event_update ON projects_stageevent;
CREATE TRIGGER figures_event_update AFTER UPDATE ON projects_stageevent
    FOR EACH ROW WHEN (
        OLD.stage IS DISTINCT FROM NEW.stage OR OLD.date IS DISTINCT FROM NEW.date
        OR OLD.project_id IS DISTINCT FROM NEW.project_id
    ) EXECUTE FUNCTION figures_event_changed();

DROP TRIGGER IF EXISTS figures_project_update ON projects_project;
CREATE TRIGGER figures_project_update AFTER UPDATE ON projects_project
    FOR EACH ROW WHEN (
        OLD.unit_id IS DISTINCT FROM NEW.unit_id
        OR OLD.total_investment IS DISTINCT FROM NEW.total_investment
    ) EXECUTE FUNCTION figures_project_changed();

-- The facts computed from scratch (the migration's first fill, a bulk load's end, the
-- tests' and the benchmark's check).
CREATE OR REPLACE FUNCTION figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Each region's city once (not once per report row).
    CREATE TEMP TABLE IF NOT EXISTS figures_region_city (id bigint PRIMARY KEY, code varchar(12))
        ON COMMIT DROP;
    TRUNCATE figures_region_city;
    INSERT INTO figures_region_city SELECT id, figures_city_code(id) FROM regions_region;
    ANALYZE figures_region_city;
    TRUNCATE figures_unit_month, figures_unit_month_stage;
    INSERT INTO figures_unit_month
        (city_code, unit_id, month, planned_investment, accepted_investment, accepted_reports)
    SELECT c.code, p.unit_id, r.month,
           coalesce(sum(r.investment) FILTER (WHERE a.id IS NOT NULL), 0),
           sum(r.investment), count(*)
    FROM reports_monthlyreport r
    JOIN projects_project p ON p.id = r.project_id
    JOIN figures_region_city c ON c.id = p.unit_id
    LEFT JOIN projects_annualplan a
      ON a.project_id = r.project_id AND a.year = extract(year FROM r.month)::integer
    WHERE r.status = 'accepted'
    GROUP BY c.code, p.unit_id, r.month;
    INSERT INTO figures_unit_month_stage (city_code, unit_id, month, stage, events, investment)
    SELECT c.code, p.unit_id, date_trunc('month', e.date)::date, e.stage,
           count(*), coalesce(sum(p.total_investment), 0)
    FROM projects_stageevent e
    JOIN projects_project p ON p.id = e.project_id
    JOIN figures_region_city c ON c.id = p.unit_id
    GROUP BY c.code, p.unit_id, date_trunc('month', e.date)::date, e.stage;
    DROP TABLE figures_region_city;
END
$$;
