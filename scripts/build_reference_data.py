# ruff: noqa: E501  (the mapping table below reads best one item per line)
"""Rebuild src/ruwaard_analysis/reference_data/*.csv from the public source files (see its SOURCES.md).

Not part of the installed package; kept so every reference number can be traced:

    python scripts/build_reference_data.py [SOURCE_DIR]

SOURCE_DIR holds the folders kostenhandleiding-2024/ and cbs-kwb-2024/ (default:
../shared/reference). The output is byte-identical to the committed files.
"""

import json
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
# the team keeps the public source files beside the project, in ../shared/reference
SRC = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
OUT = ROOT / "src" / "ruwaard_analysis" / "reference_data"
# payers, abbreviated to keep the table readable
Z, G, ZK, PJ, OW = "zorgverzekeraar", "gemeente", "zorgkantoor", "politie_justitie", "onderwijs"

# short_var -> (item_code, description, unit, domain, payer)
KH = {
 "nursingday_excl_personnel": ("zkh_verpleegdag_excl_personeel", "Verpleegdag ziekenhuis, exclusief personeelskosten", "verpleegdag", "zorg", Z),
 "nursingday_incl_personnel": ("zkh_verpleegdag", "Verpleegdag ziekenhuis, inclusief personeelskosten", "verpleegdag", "zorg", Z),
 "nursingday_intensivecare": ("zkh_ic_dag", "Verpleegdag intensive care (incl. diagnostiek en medicatie)", "verpleegdag", "zorg", Z),
 "daytreatment_hospital": ("zkh_dagbehandeling", "Dagbehandeling ziekenhuis", "dagbehandeling", "zorg", Z),
 "iv_admin_hospital": ("zkh_iv_toediening", "Intraveneuze toediening in het ziekenhuis", "toediening", "zorg", Z),
 "sc_admin_hospital": ("zkh_sc_toediening", "Subcutane toediening in het ziekenhuis", "toediening", "zorg", Z),
 "outpatient_visit_hospital": ("zkh_polibezoek", "Polikliniekbezoek ziekenhuis", "bezoek", "zorg", Z),
 "emergency_care": ("seh_bezoek", "Spoedeisende hulp (SEH-bezoek)", "bezoek", "zorg", Z),
 "ambulance_weighted": ("ambulance_rit", "Ambulancerit, gewogen gemiddelde", "rit", "zorg", Z),
 "ambulance_ordered": ("ambulance_besteld", "Ambulancerit, besteld vervoer", "rit", "zorg", Z),
 "ambulance_urgent": ("ambulance_spoed", "Ambulancerit, spoedvervoer", "rit", "zorg", Z),
 "operatingroom_conventional_min": ("ok_conventioneel_min", "Gebruik conventionele operatiekamer", "minuut", "zorg", Z),
 "operatingroom_hybrid_min": ("ok_hybride_min", "Gebruik hybride operatiekamer", "minuut", "zorg", Z),
 "mri_general": ("mri_algemeen", "MRI algemeen (gewogen gemiddelde)", "onderzoek", "zorg", Z),
 "mri_lowerextremities": ("mri_heup_onderste_extremiteit", "MRI heup/onderste extremiteiten", "onderzoek", "zorg", Z),
 "mri_brain": ("mri_hersenen", "MRI hersenen", "onderzoek", "zorg", Z),
 "mri_lumbosacral": ("mri_lumbosacraal", "MRI lumbosacrale wervelkolom", "onderzoek", "zorg", Z),
 "mri_shoulders_upperext": ("mri_schouder_bovenste_extremiteit", "MRI schouder(s)/bovenste extremiteiten", "onderzoek", "zorg", Z),
 "mri_abdomen": ("mri_buik", "MRI buik", "onderzoek", "zorg", Z),
 "ct_general": ("ct_algemeen", "CT algemeen (gewogen gemiddelde)", "onderzoek", "zorg", Z),
 "ct_abdomen_contrast": ("ct_buik_contrast", "CT buik en retroperitoneum met contrast", "onderzoek", "zorg", Z),
 "ct_thorax_contrast": ("ct_thorax_contrast", "CT thorax, hart en grote vaten met contrast", "onderzoek", "zorg", Z),
 "ct_brain_contrast": ("ct_hersenen", "CT hersenen en/of schedel, met of zonder contrast", "onderzoek", "zorg", Z),
 "ct_lowerextremities_contrast": ("ct_onderste_extremiteit", "CT onderste extremiteiten, met of zonder contrast", "onderzoek", "zorg", Z),
 "ct_facialskull_contrast": ("ct_aangezichtsschedel", "CT aangezichtsschedel, met of zonder contrast", "onderzoek", "zorg", Z),
 "spect_general": ("spect_algemeen", "SPECT algemeen (gewogen gemiddelde)", "onderzoek", "zorg", Z),
 "spect_skeleton": ("spect_skelet", "SPECT skelet (detail)", "onderzoek", "zorg", Z),
 "spect_heart_ecg": ("spect_hart", "SPECT hartkamers, ECG-getriggerd, in rust met EF-berekening", "onderzoek", "zorg", Z),
 "spect_brain": ("spect_hersenen", "SPECT hersenen", "onderzoek", "zorg", Z),
 "spect_abdomen": ("spect_buik", "SPECT buik", "onderzoek", "zorg", Z),
 "pet_general": ("pet_algemeen", "PET algemeen (gewogen gemiddelde)", "onderzoek", "zorg", Z),
 "pet_wholebody": ("pet_totale_lichaam", "PET totale lichaam, oncologie", "onderzoek", "zorg", Z),
 "pet_partial": ("pet_partieel", "PET partieel (neurologisch, cardiologisch)", "onderzoek", "zorg", Z),
 "ultrasound_general": ("echo_algemeen", "Echografie algemeen (gewogen gemiddelde)", "onderzoek", "zorg", Z),
 "ultrasound_abdominal": ("echo_buikorganen", "Echografie buikorganen", "onderzoek", "zorg", Z),
 "ultrasound_lowerext": ("echo_onderste_extremiteit", "Echografie onderste extremiteiten", "onderzoek", "zorg", Z),
 "ultrasound_pregnancy": ("echo_zwangerschap", "Echografie in verband met zwangerschap", "onderzoek", "zorg", Z),
 "ultrasound_breast": ("echo_borst", "Echografie borst", "onderzoek", "zorg", Z),
 "ultrasound_thyroid_neck": ("echo_schildklier_hals", "Echografie schildklier en/of hals", "onderzoek", "zorg", Z),
 "xray_exam": ("rontgenonderzoek", "Röntgenonderzoek", "onderzoek", "zorg", Z),
 "bp24h_measurement": ("bloeddrukmeting_24u", "24-uurs bloeddrukmeting", "meting", "zorg", Z),
 "crp_test": ("lab_crp", "CRP-bepaling", "bepaling", "zorg", Z),
 "hba1c_test": ("lab_hba1c", "HbA1c-bepaling", "bepaling", "zorg", Z),
 "tsh_test": ("lab_tsh", "TSH-bepaling", "bepaling", "zorg", Z),
 "creatinine_test": ("lab_kreatinine", "Kreatininebepaling", "bepaling", "zorg", Z),
 "creatinine_clearance": ("lab_kreatinineklaring", "Kreatinineklaring", "bepaling", "zorg", Z),
 "alat_test": ("lab_alat", "ALAT-bepaling", "bepaling", "zorg", Z),
 "prosthesis_arm": ("armprothese", "Armprothese", "stuk", "zorg", Z),
 "prosthesis_leg": ("beenprothese", "Beenprothese", "stuk", "zorg", Z),
 "aid_comm_physical": ("hulpmiddel_communicatie_lichamelijk", "Hulpmiddel voor gebruik van communicatiemiddelen (bv. computer bij lichamelijke beperking)", "stuk", "zorg", Z),
 "aid_comm_visual": ("hulpmiddel_visueel", "Hulpmiddel voor communicatie en informatie bij visuele beperking (bv. loep)", "stuk", "zorg", Z),
 "aid_comm_other": ("hulpmiddel_communicatie_overig", "Overige hulpmiddelen voor communicatie, informatie en signalering", "stuk", "zorg", Z),
 "aid_mobility_other": ("hulpmiddel_mobiliteit", "Overige mobiliteitshulpmiddelen", "stuk", "zorg", G),
 "aid_diabetes_other": ("hulpmiddel_diabetes", "Overige diabeteshulpmiddelen", "stuk", "zorg", Z),
 "aid_armhandfinger": ("hulpmiddel_arm_hand_vinger", "Overige hulpmiddelen voor arm-hand-vingerfunctie", "stuk", "zorg", Z),
 "orthopaedic_shoes": ("orthopedisch_schoeisel", "Orthopedisch schoeisel", "paar", "zorg", Z),
 "optical_aids_special": ("optische_hulpmiddelen", "Speciale optische hulpmiddelen", "stuk", "zorg", Z),
 "gp_consult_avg": ("huisarts_consult", "Huisarts, consult gemiddeld (ook telefonisch en per e-mail)", "consult", "zorg", Z),
 "gp_consult_short": ("huisarts_consult_kort", "Huisarts, consult korter dan 20 minuten", "consult", "zorg", Z),
 "gp_consult_long": ("huisarts_consult_lang", "Huisarts, consult van 20 minuten of langer", "consult", "zorg", Z),
 "gp_homevisit_avg": ("huisarts_visite", "Huisarts, visite gemiddeld", "visite", "zorg", Z),
 "gp_homevisit_short": ("huisarts_visite_kort", "Huisarts, visite korter dan 20 minuten", "visite", "zorg", Z),
 "gp_homevisit_long": ("huisarts_visite_lang", "Huisarts, visite van 20 minuten of langer", "visite", "zorg", Z),
 "physiotherapy_session": ("fysiotherapie", "Fysiotherapie", "behandeling", "zorg", Z),
 "exercise_therapy_session": ("oefentherapie", "Oefentherapie", "behandeling", "zorg", Z),
 "speech_therapy_session": ("logopedie", "Logopedie", "behandeling", "zorg", Z),
 "occupational_therapy_session": ("ergotherapie", "Ergotherapie", "behandeling", "zorg", Z),
 "diet_advice_session": ("dieetadvisering", "Dieetadvisering", "behandeling", "zorg", Z),
 "gli_programme": ("gli_programma", "Gecombineerde leefstijlinterventie (GLI)", "programma", "zorg", Z),
 "nursingcare_day": ("verpleeghuis_dag", "Verpleging en verzorging met verblijf, inclusief dagbesteding (Wlz)", "dag", "zorg", ZK),
 "dayactivities_halfday": ("dagbesteding_dagdeel", "Dagbesteding ouderen (Wmo)", "dagdeel", "zorg", G),
 "geriatric_rehab_avg": ("grz_dag", "Geriatrische revalidatiezorg, gemiddeld", "dag", "zorg", Z),
 "geriatric_rehab_amputation": ("grz_amputatie_dag", "Geriatrische revalidatiezorg na amputatie", "dag", "zorg", Z),
 "geriatric_rehab_stroke": ("grz_beroerte_dag", "Geriatrische revalidatiezorg na beroerte", "dag", "zorg", Z),
 "geriatric_rehab_elective": ("grz_electief_dag", "Geriatrische revalidatiezorg na electieve operatie", "dag", "zorg", Z),
 "geriatric_rehab_trauma": ("grz_trauma_dag", "Geriatrische revalidatiezorg na trauma", "dag", "zorg", Z),
 "geriatric_rehab_other": ("grz_overig_dag", "Geriatrische revalidatiezorg, overige diagnoses", "dag", "zorg", Z),
 "homecare_household": ("huishoudelijke_hulp_uur", "Huishoudelijke hulp thuis (Wmo)", "uur", "zorg", G),
 "homecare_personal": ("persoonlijke_verzorging_uur", "Persoonlijke verzorging thuis (wijkverpleging)", "uur", "zorg", Z),
 "homecare_guidance_hour": ("wmo_begeleiding_uur", "Individuele begeleiding thuis (Wmo)", "uur", "zorg", G),
 "homecare_nursing_hour": ("verpleging_thuis_uur", "Verpleging thuis (wijkverpleging)", "uur", "zorg", Z),
 "homecare_treatment_hour": ("behandeling_thuis_uur", "Behandeling thuis", "uur", "zorg", Z),
 "homecare_travel": ("thuiszorg_reiskosten", "Reiskosten thuiszorg", "bezoek", "zorg", Z),
 "pohggz_consult_avg": ("poh_ggz_consult", "POH-GGZ, consult gemiddeld (ook telefonisch en per e-mail)", "consult", "ggz", Z),
 "pohggz_consult_short": ("poh_ggz_consult_kort", "POH-GGZ, consult korter dan 20 minuten", "consult", "ggz", Z),
 "pohggz_consult_long": ("poh_ggz_consult_lang", "POH-GGZ, consult van 20 minuten of langer", "consult", "ggz", Z),
 "pohggz_home_avg": ("poh_ggz_visite", "POH-GGZ, visite gemiddeld", "visite", "ggz", Z),
 "pohggz_home_short": ("poh_ggz_visite_kort", "POH-GGZ, visite korter dan 20 minuten", "visite", "ggz", Z),
 "pohggz_home_long": ("poh_ggz_visite_lang", "POH-GGZ, visite van 20 minuten of langer", "visite", "ggz", Z),
 "pohggz_group": ("poh_ggz_groep", "POH-GGZ, groepsconsult", "consult per deelnemer", "ggz", Z),
 "mhc_socialwork": ("maatschappelijk_werk_contact", "Contact maatschappelijk werk", "contact", "welzijn", G),
 "mhc_basic_independent": ("ggz_basis_vrijgevestigd", "Contact vrijgevestigde zorgverlener basis-ggz", "contact", "ggz", Z),
 "mhc_basic_institution": ("ggz_basis_instelling", "Contact zorgverlener in instelling voor generalistische basis-ggz", "contact", "ggz", Z),
 "mhc_specialised_independent": ("ggz_specialistisch_vrijgevestigd", "Contact vrijgevestigde zorgverlener gespecialiseerde ggz", "contact", "ggz", Z),
 "mhc_specialised_institution": ("ggz_specialistisch_instelling", "Contact zorgverlener in instelling voor gespecialiseerde ggz", "contact", "ggz", Z),
 "mhc_paaz_puk": ("ggz_paaz_puk_contact", "Contact zorgverlener PAAZ/PUK", "contact", "ggz", Z),
 "mhc_nursingday_psy_inst": ("ggz_opname_dag", "Verpleegdag psychiatrische instelling", "verpleegdag", "ggz", Z),
 "mhc_nursingday_paaz_puk": ("ggz_paaz_puk_dag", "Verpleegdag PAAZ/PUK", "verpleegdag", "ggz", Z),
 "mhc_dayactivities_halfday": ("ggz_dagactiviteit_dagdeel", "Dagactiviteiten gespecialiseerde ggz", "dagdeel", "ggz", Z),
 "rehab_consult_all": ("revalidatie_consult", "Revalidatiebehandeling, consult (kinderen en volwassenen)", "consult", "zorg", Z),
 "rehab_consult_children": ("revalidatie_consult_kind", "Revalidatiebehandeling, consult kinderen", "consult", "zorg", Z),
 "rehab_consult_adults": ("revalidatie_consult_volwassene", "Revalidatiebehandeling, consult volwassenen", "consult", "zorg", Z),
 "rehab_nursingday_all": ("revalidatie_verpleegdag", "Verpleegdag revalidatiecentrum, incl. behandeluren (kinderen en volwassenen)", "verpleegdag", "zorg", Z),
 "rehab_nursingday_children": ("revalidatie_verpleegdag_kind", "Verpleegdag revalidatiecentrum, incl. behandeluren, kinderen", "verpleegdag", "zorg", Z),
 "rehab_nursingday_adults": ("revalidatie_verpleegdag_volwassene", "Verpleegdag revalidatiecentrum, incl. behandeluren, volwassenen", "verpleegdag", "zorg", Z),
 "disability_res_intellectual_incl": ("gz_verblijf_vg_incl_dagbesteding", "Gehandicaptenzorg met verblijf, verstandelijke beperking, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_intellectual_excl": ("gz_verblijf_vg_excl_dagbesteding", "Gehandicaptenzorg met verblijf, verstandelijke beperking, excl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_mild_incl": ("gz_verblijf_lvb_incl_dagbesteding", "Gehandicaptenzorg met verblijf, licht verstandelijke beperking, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_behaviour_incl": ("gz_verblijf_sglvg_incl_dagbesteding", "Gehandicaptenzorg met verblijf, sterk gedragsgestoord licht verstandelijk beperkt, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_physical_incl": ("gz_verblijf_lg_incl_dagbesteding", "Gehandicaptenzorg met verblijf, lichamelijke beperking, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_physical_excl": ("gz_verblijf_lg_excl_dagbesteding", "Gehandicaptenzorg met verblijf, lichamelijke beperking, excl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_auditory_incl": ("gz_verblijf_zg_auditief_incl_dagbesteding", "Gehandicaptenzorg met verblijf, auditieve en communicatieve beperking, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_auditory_excl": ("gz_verblijf_zg_auditief_excl_dagbesteding", "Gehandicaptenzorg met verblijf, auditieve en communicatieve beperking, excl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_visual_incl": ("gz_verblijf_zg_visueel_incl_dagbesteding", "Gehandicaptenzorg met verblijf, visuele beperking, incl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "disability_res_visual_excl": ("gz_verblijf_zg_visueel_excl_dagbesteding", "Gehandicaptenzorg met verblijf, visuele beperking, excl. dagbesteding (Wlz)", "dag", "zorg", ZK),
 "order_tariff": ("apotheek_receptregel", "Receptregeltarief apotheek (terhandstelling)", "receptregel", "zorg", Z),
 "transport_taxi_start": ("wmo_vervoer_starttarief", "Taxi en Wmo-vervoer, starttarief", "rit", "zorg", G),
 "transport_taxi_km": ("wmo_vervoer_km", "Taxi en Wmo-vervoer, per kilometer", "km", "zorg", G),
 "edu_primary_year": ("po_jaar", "Primair onderwijs", "leerlingjaar", "onderwijs", OW),
 "edu_primary_day": ("po_dag", "Primair onderwijs", "schooldag", "onderwijs", OW),
 "edu_primary_hour": ("po_uur", "Primair onderwijs", "lesuur", "onderwijs", OW),
 "edu_secondary_year": ("vo_jaar", "Voortgezet onderwijs", "leerlingjaar", "onderwijs", OW),
 "edu_secondary_day": ("vo_dag", "Voortgezet onderwijs", "schooldag", "onderwijs", OW),
 "edu_secondary_hour": ("vo_uur", "Voortgezet onderwijs", "lesuur", "onderwijs", OW),
 "edu_vocational_year": ("mbo_jaar", "Middelbaar beroepsonderwijs", "leerlingjaar", "onderwijs", OW),
 "edu_vocational_day": ("mbo_dag", "Middelbaar beroepsonderwijs", "schooldag", "onderwijs", OW),
 "edu_vocational_hour": ("mbo_uur", "Middelbaar beroepsonderwijs", "lesuur", "onderwijs", OW),
 "edu_higherprof_year": ("hbo_jaar", "Hoger beroepsonderwijs", "studentjaar", "onderwijs", OW),
 "edu_higherprof_day": ("hbo_dag", "Hoger beroepsonderwijs", "studiedag", "onderwijs", OW),
 "edu_higherprof_hour": ("hbo_uur", "Hoger beroepsonderwijs", "lesuur", "onderwijs", OW),
 "edu_scientific_year": ("wo_jaar", "Wetenschappelijk onderwijs", "studentjaar", "onderwijs", OW),
 "edu_scientific_day": ("wo_dag", "Wetenschappelijk onderwijs", "studiedag", "onderwijs", OW),
 "edu_scientific_hour": ("wo_uur", "Wetenschappelijk onderwijs", "lesuur", "onderwijs", OW),
 "edu_specialprim_year": ("so_jaar", "Speciaal (basis)onderwijs", "leerlingjaar", "onderwijs", OW),
 "edu_specialprim_day": ("so_dag", "Speciaal (basis)onderwijs", "schooldag", "onderwijs", OW),
 "edu_specialprim_hour": ("so_uur", "Speciaal (basis)onderwijs", "lesuur", "onderwijs", OW),
 "edu_tutoring_student_hour": ("bijles_student_uur", "Bijles door een student", "uur", "onderwijs", OW),
 "edu_tutoring_teacher_hour": ("bijles_docent_uur", "Bijles door een docent", "uur", "onderwijs", OW),
 "edu_remedial_hour": ("remedial_teaching_uur", "Remedial teaching", "uur", "onderwijs", OW),
 "justice_robbery_violence": ("delict_diefstal_geweld", "Diefstal met geweld/beroving (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_theft_simple": ("delict_eenvoudige_diefstal", "Eenvoudige diefstal/zakkenrollerij (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_stolen_goods": ("delict_heling", "Heling (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_vandalism": ("delict_vernieling", "Vernieling/vandalisme van particulier of openbaar bezit (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_disorder": ("delict_openbare_orde", "Verstoring openbare orde/discriminatie (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_arson": ("delict_brandstichting", "Brandstichting (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_cybercrime": ("delict_cybercrime", "Cybercrime (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_assault": ("delict_mishandeling", "Eenvoudige en zware mishandeling (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_threat": ("delict_bedreiging", "Bedreiging (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_forced_sexual": ("delict_aanranding", "Aanranding/gedwongen seksueel contact (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_unauthorised_driving": ("delict_rijden_zonder_rijbewijs", "Rijden zonder rijbevoegdheid (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_dui": ("delict_rijden_onder_invloed", "Rijden onder invloed (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_sell_softdrugs": ("delict_handel_softdrugs", "Handel in softdrugs (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_sell_harddrugs": ("delict_handel_harddrugs", "Handel in harddrugs (kosten strafrechtketen)", "delict", "veiligheid", PJ),
 "justice_firearm_offence": ("delict_wapenbezit", "Overtreding wapenwet (vuurwapen) (kosten strafrechtketen)", "delict", "veiligheid", PJ),
}
EXCLUDED = {"transport_car_km", "transport_car_parking", "transport_pt_km",
            "timecost_informal_hour", "prodloss_paid_hour", "prodloss_unpaid_hour"}

# Estimates (price level 2022) for social-domain items the manual lacks; basis in SOURCES.md.
EST = [
 ("bijstand_maand", "Bijstandsuitkering alleenstaande (Participatiewet), inclusief uitvoeringskosten", "maand", 1250.0, "werk_en_inkomen", G),
 ("bijzondere_bijstand", "Bijzondere bijstand, toekenning", "toekenning", 450.0, "werk_en_inkomen", G),
 ("schuldhulp_traject", "Schuldhulpverlening, traject (intake tot afronding)", "traject", 3000.0, "werk_en_inkomen", G),
 ("beschermingsbewind_maand", "Beschermingsbewind (kosten bewindvoerder, via bijzondere bijstand)", "maand", 120.0, "werk_en_inkomen", G),
 ("reintegratie_traject", "Re-integratietraject naar werk", "traject", 4000.0, "werk_en_inkomen", G),
 ("ww_maand", "WW-uitkering", "maand", 1700.0, "werk_en_inkomen", "uwv"),
 ("huurtoeslag_maand", "Huurtoeslag", "maand", 230.0, "wonen", "rijk"),
 ("opvang_nacht", "Maatschappelijke opvang (24-uursopvang)", "nacht", 95.0, "wonen", G),
 ("beschermd_wonen_dag", "Beschermd wonen (ggz)", "dag", 150.0, "ggz", G),
 ("huisuitzetting", "Huisuitzetting (ontruiming, incl. huurachterstand en proceskosten)", "ontruiming", 6000.0, "wonen", "woningcorporatie"),
 ("verhuizing", "Verhuizing naar andere woning (verhuiskosten en inrichting)", "verhuizing", 2500.0, "wonen", G),
 ("woningaanpassing", "Woningaanpassing (Wmo-woonvoorziening)", "aanpassing", 4500.0, "wonen", G),
 ("uithuisplaatsing_maand", "Uithuisplaatsing kind (pleegzorg of residentiële jeugdhulp)", "maand", 4200.0, "jeugd", G),
 ("jeugdhulp_ambulant_uur", "Ambulante jeugdhulp", "uur", 90.0, "jeugd", G),
 ("veilig_thuis_melding", "Melding en onderzoek Veilig Thuis", "melding", 1100.0, "veiligheid", G),
 ("wijkagent_uur", "Inzet wijkagent", "uur", 80.0, "veiligheid", PJ),
 ("politie_melding", "Politie-inzet bij melding (overlast of huiselijke onrust)", "melding", 250.0, "veiligheid", PJ),
 ("welzijn_contact", "Contact welzijnswerker (ouderenwerk, opbouwwerk, wijkconsulent)", "contact", 55.0, "welzijn", G),
 ("mdo_overleg", "Multidisciplinair overleg (MDO) met wijkbewoner, ca. 6 professionals, 1,5 uur", "overleg", 600.0, "welzijn", G),
 ("wijkteam_uur", "Inzet sociaal wijkteam (consulent)", "uur", 75.0, "welzijn", G),
 ("mantelzorgondersteuning_uur", "Respijtzorg/mantelzorgondersteuning", "uur", 40.0, "welzijn", G),
]

def price_list() -> tuple[pl.DataFrame, pl.DataFrame]:
    src = pl.read_csv(SRC / "kostenhandleiding-2024/df_ref_prices.csv")
    keys = set(src["short_var"])
    assert keys == set(KH) | EXCLUDED, keys ^ (set(KH) | EXCLUDED)
    rows, mapping = [], []
    for rec in src.iter_rows(named=True):
        if rec["short_var"] in EXCLUDED:
            continue
        code, desc, unit, dom, payer = KH[rec["short_var"]]
        rows.append((code, desc, unit, float(rec["2022"]), 2022, dom, payer, "kostenhandleiding_2024"))
        mapping.append((code, rec["short_var"]))
    for code, desc, unit, price, dom, payer in EST:
        rows.append((code, desc, unit, price, 2022, dom, payer, "schatting"))
    cols = ["item_code", "description", "unit", "unit_price_eur", "price_year", "domain", "payer", "source"]
    df = pl.DataFrame(rows, schema=cols, orient="row")
    assert df["item_code"].n_unique() == df.height
    return df, pl.DataFrame(mapping, schema=["item_code", "kostenhandleiding_key"], orient="row")

def cpi() -> pl.DataFrame:
    f = pl.read_csv(SRC / "kostenhandleiding-2024/df_cpi_combined.csv")
    factor = {int(a) + 1: fac for a, fac in zip(f["Year from"], f["Factor"], strict=True)}  # year -> cpi(year)/cpi(year-1)
    vals = {2015: 100.0}
    for y in range(2016, 2025):
        vals[y] = vals[y - 1] * factor[y]
    for y in range(2014, 2011, -1):
        vals[y] = vals[y + 1] / factor[y + 1]
    return pl.DataFrame({"year": sorted(vals), "cpi": [round(vals[y], 4) for y in sorted(vals)]})

def areas() -> pl.DataFrame:
    d = json.loads((SRC / "cbs-kwb-2024/stripped_filtered_data_2024.json").read_text("utf-8"))
    fields = {"AantalInwoners_5": "inhabitants", "Mannen_6": "men", "Vrouwen_7": "women",
              "Bevolkingsdichtheid_34": "population_density_km2", "Woningvoorraad_35": "dwellings",
              "OppervlakteTotaal_122": "area_total_ha", "OppervlakteLand_123": "area_land_ha",
              "OppervlakteWater_124": "area_water_ha"}
    rows = []
    nl = {v: 0 for v in fields.values()}
    for code, rec in d.items():
        if code.startswith("GM"):
            for k, v in fields.items():
                nl[v] += rec[k]
    nl["population_density_km2"] = round(nl["inhabitants"] / (nl["area_land_ha"] / 100))
    rows.append({"area_code": "NL01", "area_level": "nederland", "year": 2024, **nl})
    for code in sorted(c for c in d if c == "GM0828" or c.startswith("WK0828")):
        rows.append({"area_code": code, "area_level": "gemeente" if code.startswith("GM") else "wijk",
                     "year": 2024, **{v: d[code][k] for k, v in fields.items()}})
    return pl.DataFrame(rows)

if __name__ == "__main__":
    prices, keys = price_list()
    prices.write_csv(OUT / "price_list.csv")
    keys.write_csv(OUT / "price_list_kostenhandleiding_keys.csv")
    cpi().write_csv(OUT / "cpi.csv")
    areas().write_csv(OUT / "areas_cbs_2024.csv")
    print(f"{prices.height} prijzen, cpi en gebieden geschreven naar {OUT}")
