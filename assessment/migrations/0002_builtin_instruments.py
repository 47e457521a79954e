from django.db import migrations


def install(apps, schema_editor):
    from assessment.builtin import install_builtin_instruments

    install_builtin_instruments(apps)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
