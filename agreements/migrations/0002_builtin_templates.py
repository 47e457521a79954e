from django.db import migrations


def install(apps, schema_editor):
    from agreements.builtin import install_builtin_templates

    install_builtin_templates(apps)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
